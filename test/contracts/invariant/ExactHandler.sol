// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AdminActions} from "./AdminActions.sol";
import {TestUSD} from "../../../contracts/mocks/TestUSD.sol";
import {ModelShares} from "../../../contracts/shares/ModelShares.sol";
import {ExactPayments, ExactReceiver} from "../../../contracts/payments/ExactPayments.sol";

/// @notice Drives x402 `exact` payments as honest nodes and as adversaries: an operator booking a payment for model X
///         at its receiver for a zero-fee model of its own, a payer that is also an operator (pays its own receiver),
///         front-runners submitting authorizations straight on the token, payers cancelling what they signed,
///         replayed settlements, donations, model admins rescheduling the split mid-flight (the operator is the admin
///         of its own model), and a stranger calling every open function of the factory and the receivers.
contract ExactHandler is AdminActions {
    TestUSD internal usd;
    ModelShares internal shares;
    ExactPayments internal exact;

    uint256 internal constant PAYERS = 3;
    address public admin = makeAddr("admin");
    address public node = makeAddr("node");
    address public stranger = makeAddr("stranger");
    /// models[0]: the admin's model (20% to holders); models[1]: the node's own zero-fee model.
    uint256[2] public models;
    /// operators[0]: the node; operators[1]: payer 0, acting as its own operator.
    address[2] public operators;
    /// One receiver per (operator, model): receivers[2 * o + m].
    ExactReceiver[] public receivers;
    mapping(address receiver => uint256) public modelOfReceiver;
    mapping(address receiver => address) public operatorOfReceiver;
    address[] public holders;

    struct Auth {
        uint256 payer;
        address to;
        uint256 value;
        uint256 validAfter;
        uint256 validBefore;
        bytes32 nonce;
        bytes signature;
    }

    Auth[] internal _auths;

    /// Money that arrived at each receiver (transfers by authorization, front-runs, donations).
    mapping(address receiver => uint256) public ghostIn;
    /// Fees each receiver's settlements returned, and what its operator withdrew.
    mapping(address receiver => uint256) public ghostFee;
    mapping(address receiver => uint256) public ghostWithdrawn;
    /// Money that arrived for each model's receivers.
    mapping(uint256 modelId => uint256) public ghostPaidFor;
    uint256 public ghostMinted;
    /// Settlements that booked money the receiver never got, or a stranger's gain: must stay 0.
    uint256 public ghostMisbooked;
    uint256 public ghostStrangerGain;
    uint256 public ghostNormalSettles;
    /// An honest payment (fresh authorization, its receiver's operator, in its window) that failed to settle.
    uint256 public ghostHonestRefused;

    constructor(TestUSD usd_, ModelShares shares_, ExactPayments exact_) {
        usd = usd_;
        shares = shares_;
        exact = exact_;
        vm.prank(admin);
        models[0] = shares.createModel("bafy-x", 1_000, 0, 2_000, 0);
        vm.prank(node);
        models[1] = shares.createModel("bafy-own", 1_000, 0, 0, 0);
        operators[0] = node;
        operators[1] = vm.addr(_key(0));
        for (uint256 o; o < 2; ++o) {
            for (uint256 m; m < 2; ++m) {
                ExactReceiver r = ExactReceiver(exact.createReceiver(operators[o], models[m]));
                receivers.push(r);
                modelOfReceiver[address(r)] = models[m];
                operatorOfReceiver[address(r)] = operators[o];
            }
        }
        for (uint256 p; p < PAYERS; ++p) {
            _mint(vm.addr(_key(p)), 1_000e6);
            holders.push(vm.addr(_key(p)));
        }
        holders.push(admin);
        holders.push(node);
        holders.push(stranger);
        holders.push(address(shares));
        for (uint256 i; i < receivers.length; ++i) {
            holders.push(address(receivers[i]));
        }
    }

    function _key(uint256 p) private pure returns (uint256) {
        return 0x2000 + p;
    }

    function _mint(address to, uint256 amount) private {
        deal(address(usd), to, usd.balanceOf(to) + amount, true);
        ghostMinted += amount;
    }

    function receiverCount() external view returns (uint256) {
        return receivers.length;
    }

    function holderCount() external view returns (uint256) {
        return holders.length;
    }

    function _sign(uint256 p, address to, uint256 value, bytes32 nonce) private view returns (Auth memory a) {
        a = Auth({
            payer: p,
            to: to,
            value: value,
            validAfter: block.timestamp - 1,
            validBefore: block.timestamp + 1 hours,
            nonce: nonce,
            signature: ""
        });
        bytes32 structHash = keccak256(
            abi.encode(
                usd.TRANSFER_WITH_AUTHORIZATION_TYPEHASH(), vm.addr(_key(p)), to, value, a.validAfter, a.validBefore, nonce
            )
        );
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(_key(p), keccak256(abi.encodePacked("\x19\x01", usd.DOMAIN_SEPARATOR(), structHash)));
        a.signature = abi.encodePacked(r, s, v);
    }

    /// Signs a new authorization of payer `p` to receiver `r`; returns its index.
    function _newAuth(uint256 p, uint256 r, uint256 value) private returns (uint256) {
        p = p % PAYERS;
        address payer = vm.addr(_key(p));
        value = bound(value, 1, 5e6);
        if (usd.balanceOf(payer) < value) _mint(payer, value);
        _auths.push(_sign(p, address(receivers[r % receivers.length]), value, keccak256(abi.encode(_auths.length))));
        return _auths.length - 1;
    }

    /// `caller` settles authorization `i` at receiver `at` (not necessarily the one it pays); the ghosts follow the
    /// money: a normal settlement moves `value` into `at`, a front-run one books money that is in `at` already.
    function _settleAt(address caller, uint256 i, ExactReceiver at) private returns (bool ok) {
        Auth memory a = _auths[i];
        address from = vm.addr(_key(a.payer));
        bool used = usd.authorizationState(from, a.nonce);
        uint256 balanceBefore = usd.balanceOf(address(at));
        uint256 receivedBefore = at.received();
        vm.prank(caller);
        try at.settle(from, a.value, a.validAfter, a.validBefore, a.nonce, a.signature) returns (uint256 fee) {
            ok = true;
            if (!used) {
                // The token moved the money to `to`: booked anywhere else, it would be booked without arriving.
                if (a.to != address(at)) ++ghostMisbooked;
                ++ghostNormalSettles;
                ghostIn[address(at)] += a.value;
                ghostPaidFor[modelOfReceiver[address(at)]] += a.value;
                // The money arrived (less the fee the pool pulled).
                if (usd.balanceOf(address(at)) + fee - balanceBefore != a.value) ++ghostMisbooked;
            }
            if (at.received() - receivedBefore != a.value || fee > a.value) ++ghostMisbooked;
            ghostFee[address(at)] += fee;
            if (caller != operatorOfReceiver[address(at)]) ++ghostMisbooked;
        } catch {}
    }

    // ------------------------------------------------------------------ honest

    /// A payer pays a receiver and its operator settles at once (operator 1 paying itself included).
    function pay(uint256 p, uint256 r, uint256 value) external {
        uint256 i = _newAuth(p, r, value);
        ExactReceiver at = receivers[r % receivers.length];
        if (!_settleAt(operatorOfReceiver[address(at)], i, at)) ++ghostHonestRefused;
    }

    /// A payer signs an authorization and hands it over; nothing is settled yet.
    function sign(uint256 p, uint256 r, uint256 value) external {
        _newAuth(p, r, value);
    }

    /// The operator of the authorization's receiver settles it (normal, or booking a front-run).
    function settle(uint256 i) external {
        if (_auths.length == 0) return;
        i = i % _auths.length;
        ExactReceiver at = ExactReceiver(_auths[i].to);
        _settleAt(operatorOfReceiver[address(at)], i, at);
    }

    function withdrawEarnings(uint256 r) external {
        ExactReceiver at = receivers[r % receivers.length];
        address op = operatorOfReceiver[address(at)];
        uint256 before = usd.balanceOf(op);
        vm.prank(op);
        try at.withdrawEarnings(op) returns (uint256 amount) {
            if (usd.balanceOf(op) - before != amount) ++ghostMisbooked;
            ghostWithdrawn[address(at)] += amount;
        } catch {}
    }

    // ------------------------------------------------------------- adversaries

    /// The operator books a payment to its receiver for one model at its receiver for its other model (the node's
    /// own zero-fee model, or the admin's).
    function bookUnderOtherModel(uint256 i, uint256 o) external {
        if (_auths.length == 0) return;
        i = i % _auths.length;
        address to = _auths[i].to;
        address op = operatorOfReceiver[to];
        o = o % 2;
        ExactReceiver other = receivers[o * 2 + (modelOfReceiver[to] == models[0] ? 1 : 0)];
        // The same operator's receiver for the other model, or the other operator's (an accomplice).
        _settleAt(op, i, other);
    }

    /// Someone submits a pending authorization straight on the token: the money lands in its receiver, unbooked.
    function frontRun(uint256 i) external {
        if (_auths.length == 0) return;
        Auth memory a = _auths[i % _auths.length];
        vm.prank(stranger);
        try usd.transferWithAuthorization(
            vm.addr(_key(a.payer)), a.to, a.value, a.validAfter, a.validBefore, a.nonce, a.signature
        ) {
            ghostIn[a.to] += a.value;
            ghostPaidFor[modelOfReceiver[a.to]] += a.value;
        } catch {}
    }

    /// The payer cancels an authorization it signed, then the operator tries to settle it anyway.
    function cancelThenSettle(uint256 i) external {
        if (_auths.length == 0) return;
        i = i % _auths.length;
        Auth memory a = _auths[i];
        address from = vm.addr(_key(a.payer));
        if (!usd.authorizationState(from, a.nonce)) {
            bytes32 digest = keccak256(
                abi.encodePacked(
                    "\x19\x01",
                    usd.DOMAIN_SEPARATOR(),
                    keccak256(abi.encode(usd.CANCEL_AUTHORIZATION_TYPEHASH(), from, a.nonce))
                )
            );
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(_key(a.payer), digest);
            usd.cancelAuthorization(from, a.nonce, abi.encodePacked(r, s, v));
        }
        _settleAt(operatorOfReceiver[a.to], i, ExactReceiver(a.to));
    }

    /// The operator replays an authorization (settled, front-run or cancelled) at its receiver.
    function replay(uint256 i) external {
        if (_auths.length == 0) return;
        i = i % _auths.length;
        address to = _auths[i].to;
        _settleAt(operatorOfReceiver[to], i, ExactReceiver(to));
        _settleAt(operatorOfReceiver[to], i, ExactReceiver(to));
    }

    /// A stranger sends tokens straight to a receiver (a donation to that model's receiver).
    function donate(uint256 r, uint256 amount) external {
        address to = address(receivers[r % receivers.length]);
        amount = bound(amount, 1, 1e6);
        _mint(stranger, amount);
        vm.prank(stranger);
        usd.transfer(to, amount);
        ghostIn[to] += amount;
        ghostPaidFor[modelOfReceiver[to]] += amount;
    }

    /// A stranger calls every open function of the factory and a receiver; none may pay it or book anything.
    function strangerCalls(uint256 i, uint256 r, address anyOperator) external {
        ExactReceiver at = receivers[r % receivers.length];
        uint256 before = usd.balanceOf(stranger);
        uint256 receivedBefore = at.received();
        if (_auths.length != 0) _settleAt(stranger, i % _auths.length, at);
        vm.startPrank(stranger);
        try at.withdrawEarnings(stranger) {} catch {}
        try at.sweepUnpooledFees(stranger) {} catch {}
        try at.initialize() {} catch {}
        // Creating receivers is open to anyone: it creates the predicted address, bound to its operator and model.
        address created = exact.createReceiver(anyOperator, models[i % 2]);
        vm.stopPrank();
        if (
            created != exact.receiverOf(anyOperator, models[i % 2]) || ExactReceiver(created).operator() != anyOperator
                || ExactReceiver(created).modelId() != models[i % 2]
        ) ++ghostMisbooked;
        if (usd.balanceOf(stranger) > before) ++ghostStrangerGain;
        if (at.received() != receivedBefore) ++ghostMisbooked;
    }

    /// A model's admin reschedules its split mid-flight (the node is the admin of its own model).
    function rescheduleSplit(uint256 m, uint256 bps) external {
        _rescheduleSplit(shares, models[m % 2], bps);
    }

    function warp(uint256 secs) external {
        vm.warp(block.timestamp + bound(secs, 1, 3 days));
    }
}
