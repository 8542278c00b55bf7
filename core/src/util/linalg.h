#pragma once
// Small dense linear algebra for the fitters (double precision, row-major vectors).
#include <vector>

namespace dwmtj::core::detail {

using Matrix = std::vector<std::vector<double>>;

/// Inverse by Gauss-Jordan elimination with partial pivoting. Returns false if the matrix
/// is singular to working precision (pivot below 1e-13 of the largest diagonal entry).
bool invert(const Matrix& a, Matrix& inverse);
/// y = A x
std::vector<double> multiply(const Matrix& a, const std::vector<double>& x);
/// x' A x
double quadraticForm(const Matrix& a, const std::vector<double>& x);

}  // namespace dwmtj::core::detail
