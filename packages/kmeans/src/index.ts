// tsyringe needs the Reflect metadata polyfill before any decorated class is defined.
import 'reflect-metadata';

export { KMeansClusterer, createKMeans } from './kmeans';
export { DEFAULT_SETTINGS, type KMeansSettings } from './validate';
export { CappedClusterer, createCappedClusterer, DEFAULT_CAPPED_OPTIONS, type CappedOptions } from './capped';
