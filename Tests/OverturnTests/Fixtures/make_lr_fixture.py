"""Make a logistic-regression fixture: scikit-learn's fit on Overturn's own feature matrix.

    overturn features DATA.csv -o FEATURES --require-label
    python make_lr_fixture.py FEATURES SWIFT.json FIXTURE.json

FEATURES is what `overturn features` wrote (CSR .npy files, columns.txt, extractor.json). The value
columns (number and flag features) are standardized exactly as Overturn does (mean and population
standard deviation over present values, scale 1 for a constant column, a missing value -> 0), then
scikit-learn fits LogisticRegression(solver="lbfgs", C=1, tol=1e-10, max_iter=10000) on that matrix.
SWIFT.json ({"weights": [...], "intercept": [b], "objective": [f]}) is Overturn's fit, compared and
printed. Needs numpy, scipy and scikit-learn (the peer harness's environment).
"""
import json, sys, numpy as np, scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
d = sys.argv[1]
ext = json.load(open(d + '/extractor.json'))
indptr=np.load(d+'/indptr.npy'); idx=np.load(d+'/indices.npy'); data=np.load(d+'/data.npy').astype(np.float64); y=np.load(d+'/labels.npy')
width = sum(1 for _ in open(d+'/columns.txt'))
X = sp.csr_matrix((data, idx, indptr), shape=(len(indptr)-1, width)).tolil()
# value columns: number/flag blocks' first column
vals = [b['offset'] for b, f in zip(ext['blocks'], ext['schema']['features']) if f['kind'] in ('number', 'flag')]
X = X.tocsc()
for c in vals:
    col = X[:, c].toarray().ravel()
    present = ~np.isnan(col)
    mean = col[present].mean(); std = col[present].std()
    scale = std if std > 1e-12 else 1.0
    z = np.where(present, (col - mean) / scale, 0.0)
    X[:, c] = z.reshape(-1, 1)
X = X.tocsr()
m = LogisticRegression(solver='lbfgs', C=1.0, tol=1e-10, max_iter=10000).fit(X, y)
w = m.coef_.ravel(); b = m.intercept_[0]
z = X @ w + b
obj = 0.5 * w @ w + np.sum(np.logaddexp(0, z) - y * z)
sw = json.load(open(sys.argv[2]))
ws = np.array(sw['weights']); bs = sw['intercept'][0]
zs = X @ ws + bs
objs = 0.5 * ws @ ws + np.sum(np.logaddexp(0, zs) - y * zs)
print('sklearn iters', m.n_iter_, 'obj %.10f' % obj, 'swift obj %.10f' % objs, 'swift-reported %.10f' % sw['objective'][0])
print('max |coef diff| %.3g, intercept diff %.3g, rel obj diff %.3g' % (np.abs(w - ws).max(), abs(b - bs), (objs - obj) / obj))
if len(sys.argv) > 3:
    json.dump({'columns': [l.rstrip('\n') for l in open(d + '/columns.txt')], 'weights': w.tolist(), 'intercept': b, 'objective': obj, 'sklearn': 'LogisticRegression(solver=lbfgs, C=1, tol=1e-10, max_iter=10000)', 'n_iter': int(m.n_iter_[0])}, open(sys.argv[3], 'w'))
