/** The security gates still import "did you mean" from here; it lives in runtime/ so that every floor can use it. */
export { closestMatch, didYouMean, editDistance } from '../runtime/did-you-mean.js';
