// Software prefetch for the gather loops of tree training (histograms over a leaf's rows), which
// Swift cannot spell: the rows of a leaf are scattered, and the hardware prefetcher cannot guess
// the next one. Header only; compiles to a single prefetch instruction.
#ifndef OVERTURN_PREFETCH_H
#define OVERTURN_PREFETCH_H

static inline void overturn_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

#endif
