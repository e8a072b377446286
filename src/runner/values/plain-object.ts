export { isPlainObject, type PlainObject } from '../../common/plain-object.js';
