export { createStudio } from './studio';
export type { Studio, StudioOptions } from './studio';
export {
  defaultUserDataDir,
  embeddedPostgresDir,
  appRoot,
  rendererDir,
  appVersion,
  PRODUCT_NAME,
} from './paths';
