// OpenBLAS for Swift: CBLAS, plus the LAPACK routines Overturn calls.
// Debian's OpenBLAS is built without LAPACKE, but exports the Fortran symbols; they are declared
// here (the trailing size_t is Fortran's hidden string length) and wrapped in static inline helpers.
#ifndef OVERTURN_COPENBLAS_SHIM_H
#define OVERTURN_COPENBLAS_SHIM_H

#include <stddef.h>
#include <cblas.h>

void dposv_(const char *uplo, const int *n, const int *nrhs, double *a, const int *lda,
            double *b, const int *ldb, int *info, size_t uplo_len);
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info,
             size_t uplo_len);
void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a, const int *lda,
             double *b, const int *ldb, int *info, size_t uplo_len);

/// Solves A·X = B for a symmetric positive-definite A (column-major, lower triangle used).
/// Returns LAPACK's info: 0 on success, k > 0 when the leading minor of order k is not positive.
static inline int overturn_dposv_lower(int n, int nrhs, double *a, int lda, double *b, int ldb) {
    int info = 0;
    dposv_("L", &n, &nrhs, a, &lda, b, &ldb, &info, 1);
    return info;
}

/// Cholesky factorization A = L·Lᵀ in place (column-major, lower triangle). Returns LAPACK's info.
static inline int overturn_dpotrf_lower(int n, double *a, int lda) {
    int info = 0;
    dpotrf_("L", &n, a, &lda, &info, 1);
    return info;
}

/// Solves with a factor from overturn_dpotrf_lower. Returns LAPACK's info.
static inline int overturn_dpotrs_lower(int n, int nrhs, const double *a, int lda, double *b,
                                        int ldb) {
    int info = 0;
    dpotrs_("L", &n, &nrhs, a, &lda, b, &ldb, &info, 1);
    return info;
}

#endif
