/**
 * Ascending in-place sort of a Float64Array of finite numbers or infinities
 * (no NaN). V8's built-in typed-array sort is several times slower than a
 * plain quicksort on doubles, and sorting is most of the judge's work.
 */

/** Sorts `a` ascending in place and returns it. */
export function sortNumbers(a: Float64Array): Float64Array {
  quicksort(a, 0, a.length - 1);
  return a;
}

function quicksort(a: Float64Array, left: number, right: number): void {
  while (right - left > 24) {
    // median of three as pivot, moved out of the way at right - 1
    const mid = (left + right) >>> 1;
    if ((a[mid] as number) < (a[left] as number)) swap(a, mid, left);
    if ((a[right] as number) < (a[left] as number)) swap(a, right, left);
    if ((a[right] as number) < (a[mid] as number)) swap(a, right, mid);
    swap(a, mid, right - 1);
    const pivot = a[right - 1] as number;
    let i = left;
    let j = right - 1;
    for (;;) {
      while ((a[++i] as number) < pivot);
      while ((a[--j] as number) > pivot);
      if (i >= j) break;
      swap(a, i, j);
    }
    swap(a, i, right - 1);
    // recurse into the smaller side, loop on the larger: stack depth O(log n)
    if (i - left < right - i) {
      quicksort(a, left, i - 1);
      left = i + 1;
    } else {
      quicksort(a, i + 1, right);
      right = i - 1;
    }
  }
  for (let i = left + 1; i <= right; i++) {
    const v = a[i] as number;
    let j = i - 1;
    while (j >= left && (a[j] as number) > v) {
      a[j + 1] = a[j] as number;
      j--;
    }
    a[j + 1] = v;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i] as number;
  a[i] = a[j] as number;
  a[j] = t;
}
