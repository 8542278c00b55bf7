#include "util/linalg.h"

#include <algorithm>
#include <cmath>

namespace dwmtj::core::detail {

bool invert(const Matrix& a, Matrix& inverse)
{
    const std::size_t n = a.size();
    Matrix m = a;
    inverse.assign(n, std::vector<double>(n, 0.0));
    double scale = 0;
    for (std::size_t i = 0; i < n; ++i) {
        inverse[i][i] = 1.0;
        scale = std::max(scale, std::fabs(a[i][i]));
    }
    if (!(scale > 0) || !std::isfinite(scale)) return false;
    for (std::size_t col = 0; col < n; ++col) {
        std::size_t piv = col;
        for (std::size_t r = col + 1; r < n; ++r)
            if (std::fabs(m[r][col]) > std::fabs(m[piv][col])) piv = r;
        if (std::fabs(m[piv][col]) < 1e-13 * scale) return false;
        std::swap(m[piv], m[col]);
        std::swap(inverse[piv], inverse[col]);
        const double d = m[col][col];
        for (std::size_t c = 0; c < n; ++c) {
            m[col][c] /= d;
            inverse[col][c] /= d;
        }
        for (std::size_t r = 0; r < n; ++r) {
            if (r == col) continue;
            const double f = m[r][col];
            if (f == 0) continue;
            for (std::size_t c = 0; c < n; ++c) {
                m[r][c] -= f * m[col][c];
                inverse[r][c] -= f * inverse[col][c];
            }
        }
    }
    return true;
}

std::vector<double> multiply(const Matrix& a, const std::vector<double>& x)
{
    std::vector<double> y(a.size(), 0.0);
    for (std::size_t i = 0; i < a.size(); ++i)
        for (std::size_t j = 0; j < x.size(); ++j) y[i] += a[i][j] * x[j];
    return y;
}

double quadraticForm(const Matrix& a, const std::vector<double>& x)
{
    double s = 0;
    for (std::size_t i = 0; i < x.size(); ++i)
        for (std::size_t j = 0; j < x.size(); ++j) s += x[i] * a[i][j] * x[j];
    return s;
}

}  // namespace dwmtj::core::detail
