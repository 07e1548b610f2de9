// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {console} from "forge-std/Test.sol";
import {IERC1155} from "@openzeppelin/contracts/token/ERC1155/IERC1155.sol";
import {ModelShares} from "../../../contracts/shares/ModelShares.sol";
import {PaymentEscrow} from "../../../contracts/payments/PaymentEscrow.sol";
import {IPaymentEscrow} from "../../../contracts/interfaces/IPaymentEscrow.sol";
import {BareERC1155} from "../mocks/BareERC1155.sol";
import {BaseTest} from "../utils/BaseTest.sol";

/// @notice Gas report. Prints `GAS <label> <value>` lines (run with -vv), one measurement per test.
/// @dev Method: every measured call is made with pre-encoded calldata through a low-level call, bracketed by
///      `gasleft()`, right after `vm.cool` on every contract and account it touches, so each call sees cold
///      accounts and cold storage as the first call of a fresh transaction would; state is prepared in `setUp` so
///      SSTOREs are priced against committed values (forge runs each test as its own transaction). Intrinsic transaction costs
///      (21,000 base + calldata bytes) are excluded for ours and the OZ baseline alike. Transfers happen in a new
///      block after the holders' last balance change. Vote history is lazy (written only on the first change after a
///      registered snapshot): `transfer_existing_holders` has no pending snapshot, `transfer_after_snapshot` has one
///      registered since both holders' last change (both archive a checkpoint), and
///      `transfer_existing_explicit_delegates` moves votes between two third-party delegates.
contract GasBenchmark is BaseTest {
    PaymentEscrow internal escrow;
    BareERC1155 internal bare;

    address internal operator = makeAddr("operator");
    address internal delegateOfCreator = makeAddr("delegateOfCreator");
    address internal delegateOfAlice = makeAddr("delegateOfAlice");

    function setUp() public override {
        super.setUp();
        escrow = new PaymentEscrow(shares, 1 days);
        bare = new BareERC1155();
        _prepare();
    }

    function _cool() internal {
        vm.cool(address(usd));
        vm.cool(address(shares));
        vm.cool(address(escrow));
        vm.cool(address(bare));
        vm.cool(creator);
        vm.cool(alice);
        vm.cool(bob);
        vm.cool(operator);
        vm.cool(delegateOfCreator);
        vm.cool(delegateOfAlice);
    }

    function _measure(address caller, address target, bytes memory data) internal returns (uint256 used) {
        _cool();
        vm.prank(caller);
        uint256 start = gasleft();
        (bool ok, bytes memory ret) = target.call(data);
        used = start - gasleft();
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
    }

    function _log(string memory label, uint256 value) internal pure {
        console.log(string.concat("GAS ", label, " ", vm.toString(value)));
    }

    function _modelWithHolders(uint256 holders) internal returns (uint256 id) {
        vm.prank(creator);
        id = shares.createModel("bafy-bench", 1_000_000e6, 500, 2_000, 1e4);
        _depositFees(id, 1_000e6);
        for (uint256 i = 1; i < holders; ++i) {
            _transfer(creator, address(uint160(0x10000 + i)), id, 1e6);
        }
        _depositFees(id, 1_000e6);
    }

    /// @dev A model like `ID`: creator and alice hold it, fee accumulator non-zero.
    function _modelWithTwoHolders() internal returns (uint256 id) {
        vm.prank(creator);
        id = shares.createModel("bafy-bench", 1_000_000e6, 500, 2_000, 1e4);
        _depositFees(id, 1_000e6);
        _transfer(creator, alice, id, 10e6);
        _depositFees(id, 1_000e6);
        _transfer(creator, alice, id, 10e6);
    }

    uint256 internal constant ID = 1;
    uint256 internal m1;
    uint256 internal m100;
    uint256 internal m1000;
    uint256 internal mDelegated;
    uint256 internal mSnapshot;
    uint256 internal constant BATCH = 50;
    address internal funder = makeAddr("funder");

    /// @dev All state is prepared here; each test then measures ONE call in its own transaction, so SSTORE prices
    ///      see committed original values exactly as a real transaction would.
    function _prepare() internal {
        // Ours: both holders self-delegated with checkpoints and fee corrections; accumulator non-zero.
        vm.prank(creator);
        shares.createModel("bafy-bench", 1_000_000e6, 500, 2_000, 1e4);
        _depositFees(ID, 1_000e6);
        _transfer(creator, alice, ID, 10e6);
        _depositFees(ID, 1_000e6);
        _transfer(creator, alice, ID, 10e6);
        // Same shape, both holders delegating to third parties (who then hold explicit vote counters).
        mDelegated = _modelWithTwoHolders();
        vm.prank(creator);
        shares.delegate(mDelegated, delegateOfCreator);
        vm.prank(alice);
        shares.delegate(mDelegated, delegateOfAlice);
        // Same shape, with a snapshot registered after both holders' last change: the next change archives.
        mSnapshot = _modelWithTwoHolders();
        shares.registerSnapshot(mSnapshot);
        // Bare OZ ERC-1155, same shape.
        bare.mint(creator, ID, 1_000_000e6);
        vm.prank(creator);
        bare.safeTransferFrom(creator, alice, ID, 10e6, "");
        // Claims by the creator of models with 1 / 100 / 1000 holders.
        m1 = _modelWithHolders(1);
        m100 = _modelWithHolders(100);
        m1000 = _modelWithHolders(1000);
        // Fee depositor.
        deal(address(usd), funder, 1_000e6, true);
        vm.prank(funder);
        usd.approve(address(shares), type(uint256).max);
        // Escrow payers.
        _fundPayer(0xA11CE, 100e6);
        for (uint256 i; i < BATCH; ++i) {
            _fundPayer(0xB0B0 + i, 10e6);
        }
        // Next block: the measured transfers append new vote checkpoints.
        vm.roll(block.number + 1);
        vm.warp(block.timestamp + 12);
    }

    function test_gas_createModel() public {
        bytes memory create = abi.encodeCall(ModelShares.createModel, ("bafy-bench", 1_000_000e6, 500, 2_000, 1e4));
        _log("createModel", _measure(creator, address(shares), create));
    }

    function test_gas_transferExistingHolders() public {
        bytes memory data = abi.encodeCall(IERC1155.safeTransferFrom, (creator, alice, ID, 1e6, ""));
        _log("transfer_existing_holders", _measure(creator, address(shares), data));
    }

    function test_gas_transferExistingExplicitDelegates() public {
        bytes memory data = abi.encodeCall(IERC1155.safeTransferFrom, (creator, alice, mDelegated, 1e6, ""));
        _log("transfer_existing_explicit_delegates", _measure(creator, address(shares), data));
    }

    function test_gas_transferAfterSnapshot() public {
        bytes memory data = abi.encodeCall(IERC1155.safeTransferFrom, (creator, alice, mSnapshot, 1e6, ""));
        _log("transfer_after_snapshot", _measure(creator, address(shares), data));
    }

    function test_gas_registerSnapshot() public {
        _log("register_snapshot", _measure(bob, address(shares), abi.encodeCall(ModelShares.registerSnapshot, (ID))));
    }

    function test_gas_transferNewHolder() public {
        bytes memory data = abi.encodeCall(IERC1155.safeTransferFrom, (creator, bob, ID, 1e6, ""));
        _log("transfer_new_holder", _measure(creator, address(shares), data));
    }

    function test_gas_ozTransferExisting() public {
        bytes memory data = abi.encodeCall(IERC1155.safeTransferFrom, (creator, alice, ID, 1e6, ""));
        _log("oz_erc1155_transfer_existing", _measure(creator, address(bare), data));
    }

    function test_gas_ozTransferNew() public {
        bytes memory data = abi.encodeCall(IERC1155.safeTransferFrom, (creator, bob, ID, 1e6, ""));
        _log("oz_erc1155_transfer_new", _measure(creator, address(bare), data));
    }

    function test_gas_depositFees() public {
        bytes memory data = abi.encodeCall(ModelShares.depositFees, (ID, 1_000e6));
        _log("deposit_fees", _measure(funder, address(shares), data));
    }

    function test_gas_claim1Holder() public {
        _log("claim_1_holder", _measure(creator, address(shares), abi.encodeCall(ModelShares.claim, (m1))));
    }

    function test_gas_claim100Holders() public {
        _log("claim_100_holders", _measure(creator, address(shares), abi.encodeCall(ModelShares.claim, (m100))));
    }

    function test_gas_claim1000Holders() public {
        _log("claim_1000_holders", _measure(creator, address(shares), abi.encodeCall(ModelShares.claim, (m1000))));
    }

    function test_gas_settleOne() public {
        // Fresh (payer, operator, model) slot, operator with no prior earnings.
        (IPaymentEscrow.Voucher memory v, bytes memory sig) = _voucher(0xA11CE, ID, 100e6);
        bytes memory one = abi.encodeCall(PaymentEscrow.settle, (v, sig, 40e6));
        _log("settle_one", _measure(operator, address(escrow), one));
    }

    function test_gas_settleMany50() public {
        // 50 distinct payers, same operator and model, all fresh settled slots.
        IPaymentEscrow.Voucher[] memory vs = new IPaymentEscrow.Voucher[](BATCH);
        bytes[] memory sigs = new bytes[](BATCH);
        uint256[] memory amounts = new uint256[](BATCH);
        for (uint256 i; i < BATCH; ++i) {
            (vs[i], sigs[i]) = _voucher(0xB0B0 + i, ID, 10e6);
            amounts[i] = 3e6;
        }
        bytes memory many = abi.encodeCall(PaymentEscrow.settleMany, (vs, sigs, amounts));
        for (uint256 i; i < BATCH; ++i) {
            vm.cool(vs[i].payer);
        }
        uint256 total = _measure(operator, address(escrow), many);
        _log("settle_many_50_total", total);
        _log("settle_many_50_per_voucher", total / BATCH);
    }

    function _fundPayer(uint256 key, uint256 amount) internal {
        address payer = vm.addr(key);
        deal(address(usd), payer, amount, true);
        vm.startPrank(payer);
        usd.approve(address(escrow), amount);
        escrow.deposit(amount);
        vm.stopPrank();
    }

    function _voucher(uint256 key, uint256 id, uint256 amount)
        internal
        view
        returns (IPaymentEscrow.Voucher memory v, bytes memory sig)
    {
        v = IPaymentEscrow.Voucher({
            payer: vm.addr(key), operator: operator, modelId: id, cumulativeAmount: amount, expiry: 0
        });
        (uint8 v8, bytes32 r, bytes32 s) = vm.sign(key, escrow.hashVoucher(v));
        sig = abi.encodePacked(r, s, v8);
    }
}
