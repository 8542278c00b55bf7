#include "common/error_banner.h"

#include <QLabel>

namespace dwmtj::ui {

QLabel* makeErrorBanner()
{
    auto* banner = new QLabel;
    banner->setWordWrap(true);
    banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    banner->setStyleSheet(QStringLiteral("QLabel { background: #fdecea; color: #8a1c1c; border: 1px solid #f5c2c0; padding: 6px; }"));
    banner->hide();
    return banner;
}

}  // namespace dwmtj::ui
