// modeldao/ipfs — the IPFS building blocks under the model actions, for apps that embed them: the verified pack
// blockstore and repo, kubo-compatible import, CAR streams, block sources (peer, gateway) and the trustless gateway.
export { IpfsRepo, openRepo, type Pin } from './core/ipfs/storage/repo.js'
export { PackBlockstore, type PackBlockstoreStats } from './core/ipfs/storage/packBlockstore.js'
export { walkDag, blockLinks, type WalkDagOptions, type WalkedBlock } from './core/ipfs/formats/dag.js'
export { carStream, carHeader, writeCar, readCarInto } from './core/ipfs/formats/car.js'
export { importFile, type ImportedFile } from './core/ipfs/formats/importFile.js'
export { cidProfile, cidProfiles, importerOptions, type CidProfile, type CidProfileName } from './core/ipfs/formats/cidProfiles.js'
export { parseCid, blockMatchesCid } from './core/ipfs/formats/verify.js'
export { fileContent } from './core/ipfs/formats/fileContent.js'
export { fetchDag, gatewaySource, peerSource, openBlockSource, type BlockSource, type SourceParams } from './core/ipfs/network/fetch.js'
export { startGateway, type Gateway } from './core/ipfs/network/gateway.js'
export { createIpfsNode, type IpfsNode } from './core/ipfs/network/node.js'
