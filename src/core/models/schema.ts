/** The manifest (model card) schema id; docs/manifest.md describes it. */
export const MANIFEST_SCHEMA = 'modeldao/model-card@1'
