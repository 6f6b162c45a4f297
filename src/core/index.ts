export * from './errors.js';
export * from './targets.js';
export * from './project.js';
export * from './project-config.js';
export { YamlFile, type YamlPath } from './yaml-file.js';
export { validateYaml } from './validate.js';
export { renderConfig } from './render-config.js';
