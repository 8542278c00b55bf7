#pragma once
// The red banner pages use to show what went wrong (file, row, reason), selectable text.
class QLabel;

namespace dwmtj::ui {
QLabel* makeErrorBanner();
}
