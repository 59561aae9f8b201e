"""Reference slopes dD/dθ for TestSlopesTable (core/gan/slopes_test.go).

Each divergence D(θ) between p and q(x) = p(x − θ) is integrated from its
definition with mpmath.quad at 50 digits, on panels cut where p or q is not
smooth, and differentiated by a finite difference that never crosses a kink:
central (h = 1e-15) where D is smooth around θ, and one-sided on the side away
from 0 at the kinks θ = 0 (h = 1e-20, forward) and |θ| = 2 (the separation of
the bounded shapes). Run: python3 slopes_mpmath.py (needs mpmath).
"""
from mpmath import mp, mpf, quad, log, sqrt, exp, pi

mp.dps = 50
SIGMA = mpf(1) / 2


def density(shape):
    if shape == "uniform":
        return lambda x: mpf(1) / 2 if -1 <= x <= 1 else mpf(0)
    if shape == "triangular":
        return lambda x: max(mpf(0), 1 - abs(x))
    if shape == "bump":
        return lambda x: mpf(15) / 16 * (1 - x * x) ** 2 if -1 < x < 1 else mpf(0)
    return lambda x: exp(-x * x / (2 * SIGMA**2)) / (SIGMA * sqrt(2 * pi))


def xlogy(x, y):
    return mpf(0) if x == 0 else x * log(y)


INTEGRANDS = {
    "js": lambda p, q: (xlogy(p, 2 * p / (p + q)) + xlogy(q, 2 * q / (p + q))) / 2 if p + q > 0 else mpf(0),
    "tv": lambda p, q: abs(p - q) / 2,
    "hellinger2": lambda p, q: (sqrt(p) - sqrt(q)) ** 2 / 2,
    "kl": lambda p, q: p * log(p / q),
    "reverse-kl": lambda p, q: q * log(q / p),
    "chi2": lambda p, q: (p - q) ** 2 / q,
}


def divergence(shape, name, theta):
    p = density(shape)
    g = INTEGRANDS[name]
    theta = mpf(theta)
    if shape == "normal":
        a = abs(theta)
        lo, hi = -a - 30, a + 30
        pts = [lo, -theta, 0, theta / 2, theta, 2 * theta, hi]
    else:
        lo, hi = min(-1, theta - 1), max(1, theta + 1)
        pts = [lo, -1, theta - 1, 0, theta / 2, theta, 1, theta + 1, hi]
    pts = sorted(set(x for x in pts if lo <= x <= hi))
    return quad(lambda x: g(p(x), p(x - theta)), pts)


def slope(shape, name, theta, side):
    f = lambda t: divergence(shape, name, t)
    t = mpf(theta)
    if side == 0:
        h = mpf("1e-15")
        return (f(t + h) - f(t - h)) / (2 * h)
    h = mpf("1e-20")
    return side * (f(t + side * h) - f(t)) / h


def side(shape, theta):
    """The side of the one-sided difference: away from 0 at a kink, else central."""
    t = mpf(theta)
    if t == 0:
        return 1
    if shape != "normal" and abs(t) == 2:
        return 1 if t > 0 else -1
    return 0


BOUNDED = ["0", "1e-9", "1e-6", "-1e-6", "0.3", "-0.7", "1", "1.5", "1.999999", "2", "-2", "2.000001", "3", "-5"]
NORMAL = ["0", "1e-9", "1e-6", "-1e-6", "0.3", "-0.7", "1", "2", "4", "-6"]

if __name__ == "__main__":
    for shape in ["uniform", "triangular", "bump", "normal"]:
        names = ["js", "tv", "hellinger2"]
        if shape == "normal":
            names = ["kl", "reverse-kl", "js", "tv", "hellinger2", "chi2"]
        for theta in (NORMAL if shape == "normal" else BOUNDED):
            s = side(shape, theta)
            vals = [mp.nstr(slope(shape, n, theta, s), 20) for n in names]
            print(shape, theta, s, " ".join(f"{n}={v}" for n, v in zip(names, vals)), flush=True)
