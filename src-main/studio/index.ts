export { createStudio } from './studio';
export type { Studio, StudioOptions } from './studio';
export {
  defaultUserDataDir,
  embeddedPostgresDir,
  localOrgFile,
  appRoot,
  rendererDir,
  appVersion,
  PRODUCT_NAME,
} from './paths';
