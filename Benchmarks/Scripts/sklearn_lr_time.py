"""Time scikit-learn's LogisticRegression(lbfgs) on Overturn's own feature matrix, for the ratio in
Benchmarks/README.md ("Logistic regression training").

    overturn generate --rows 100000 --seed 7 -o /tmp/claims_100k.csv
    overturn features /tmp/claims_100k.csv -o /tmp/c100kfeat --require-label
    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 python sklearn_lr_time.py /tmp/c100kfeat 1e-6

Value columns are standardized as Overturn does (see Tests/OverturnTests/Fixtures/make_lr_fixture.py).
Prints the fitting time (only), iterations and penalized objective of 3 runs. Needs numpy, scipy and
scikit-learn (the peer harness's environment); the project itself does not.
"""
import json, sys, time, numpy as np, scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
d = sys.argv[1]; tol = float(sys.argv[2])
ext = json.load(open(d + '/extractor.json'))
indptr=np.load(d+'/indptr.npy'); idx=np.load(d+'/indices.npy'); data=np.load(d+'/data.npy').astype(np.float64); y=np.load(d+'/labels.npy')
width = sum(1 for _ in open(d+'/columns.txt'))
X = sp.csr_matrix((data, idx, indptr), shape=(len(indptr)-1, width)).tocsc().tolil()
vals = [b['offset'] for b, f in zip(ext['blocks'], ext['schema']['features']) if f['kind'] in ('number', 'flag')]
for c in vals:
    col = X[:, c].toarray().ravel(); present = ~np.isnan(col)
    mean = col[present].mean(); std = col[present].std(); scale = std if std > 1e-12 else 1.0
    X[:, c] = np.where(present, (col - mean) / scale, 0.0).reshape(-1, 1)
X = X.tocsr()
for _ in range(3):
    t = time.perf_counter(); m = LogisticRegression(solver='lbfgs', C=1.0, tol=tol, max_iter=10000).fit(X, y); t = time.perf_counter() - t
    w = m.coef_.ravel(); b = m.intercept_[0]; z = X @ w + b
    print('sklearn tol %g: %.2f s, %d iterations, objective %.6f' % (tol, t, m.n_iter_[0], 0.5 * w @ w + np.sum(np.logaddexp(0, z) - y * z)))
