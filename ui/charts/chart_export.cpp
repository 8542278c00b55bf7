#include "charts/chart_export.h"

#include <QChartView>
#include <QFileInfo>
#include <QImage>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSvgGenerator>

namespace dwmtj::ui {
namespace {
// Moves a finished temporary file over the target; returns an error or "".
QString replaceWith(const QString& tmp, const QString& path, const char* kind)
{
    QFile::remove(path);
    if (!QFile::rename(tmp, path)) {
        QFile::remove(tmp);
        return path + QString(": cannot write the %1 file").arg(kind);
    }
    return {};
}
}  // namespace

QString exportChart(QChartView* view, const QString& path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    const QSizeF mm(160, 110);  // a single-column publication figure
    const QRect source = view->rect();
    if (suffix == "png") {
        const int dpi = 300;
        QImage img(int(mm.width() / 25.4 * dpi), int(mm.height() / 25.4 * dpi), QImage::Format_ARGB32);
        img.setDotsPerMeterX(int(dpi / 0.0254));
        img.setDotsPerMeterY(int(dpi / 0.0254));
        img.fill(Qt::white);
        QPainter p(&img);
        p.setRenderHint(QPainter::Antialiasing);
        view->render(&p, QRectF(img.rect()), source);
        p.end();
        QSaveFile f(path);
        if (!f.open(QIODevice::WriteOnly) || !img.save(&f, "PNG") || !f.commit())
            return path + ": cannot write the PNG file";
        return {};
    }
    if (suffix == "svg") {
        QSvgGenerator gen;
        const QString tmp = path + ".tmp";
        gen.setFileName(tmp);
        gen.setSize(source.size());
        gen.setViewBox(source);
        gen.setTitle(view->chart() ? view->chart()->title() : QString());
        QPainter p;
        if (!p.begin(&gen)) return path + ": cannot write the SVG file";
        view->render(&p, QRectF(source), source);
        p.end();
        return replaceWith(tmp, path, "SVG");
    }
    if (suffix == "pdf") {
        const QString tmp = path + ".tmp";
        {
            QPdfWriter pdf(tmp);
            pdf.setPageSize(QPageSize(mm, QPageSize::Millimeter));
            pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
            pdf.setResolution(300);
            QPainter p;
            if (!p.begin(&pdf)) return path + ": cannot write the PDF file";
            view->render(&p, QRectF(0, 0, pdf.width(), pdf.height()), source);
            p.end();
        }
        return replaceWith(tmp, path, "PDF");
    }
    return path + ": expected a .png, .svg or .pdf file name, found '." + suffix + "'";
}

}  // namespace dwmtj::ui
