#include "charts/chart_export.h"

#include <QAction>
#include <QAreaSeries>
#include <QLineSeries>
#include <QChartView>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QXYSeries>
#include <QImage>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QTextStream>

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

QString chartCsv(QChartView* view)
{
    if (const auto* source = dynamic_cast<const CsvSource*>(view)) return source->csv();
    QString out;
    QTextStream ts(&out);
    auto name = [](const QAbstractSeries* s) { return QString(s->name()).replace(QLatin1Char(','), QLatin1Char(';')); };
    ts << "series,x,y,y_lower\n";
    for (QAbstractSeries* s : view->chart()->series()) {
        if (auto* xy = qobject_cast<QXYSeries*>(s)) {
            for (const QPointF& p : xy->points()) ts << name(s) << ',' << p.x() << ',' << p.y() << ",\n";
        } else if (auto* area = qobject_cast<QAreaSeries*>(s)) {
            const auto up = area->upperSeries() ? area->upperSeries()->points() : QList<QPointF>();
            const auto lo = area->lowerSeries() ? area->lowerSeries()->points() : QList<QPointF>();
            for (qsizetype i = 0; i < up.size(); ++i)
                ts << name(s) << ',' << up[i].x() << ',' << up[i].y() << ',' << (i < lo.size() ? QString::number(lo[i].y()) : QString()) << '\n';
        }
    }
    return out;
}

QString exportChartCsv(QChartView* view, const QString& path)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Text)) return path + ": cannot write the CSV file";
    f.write(chartCsv(view).toUtf8());
    return f.commit() ? QString() : path + ": writing the CSV file failed";
}

QString exportChartSet(QChartView* view, const QString& dir, const QString& name)
{
    QStringList errors;
    QDir().mkpath(dir);
    for (const char* suffix : {"png", "svg", "pdf"}) {
        const QString e = exportChart(view, QDir(dir).filePath(name + QLatin1Char('.') + QLatin1String(suffix)));
        if (!e.isEmpty()) errors << e;
    }
    const QString e = exportChartCsv(view, QDir(dir).filePath(name + QStringLiteral(".csv")));
    if (!e.isEmpty()) errors << e;
    return errors.join(QLatin1Char('\n'));
}

void installExportMenu(QChartView* view, const QString& baseName)
{
    view->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto* image = new QAction(QObject::tr("Export image (PNG, SVG, PDF)..."), view);
    auto* data = new QAction(QObject::tr("Export data (CSV)..."), view);
    QObject::connect(image, &QAction::triggered, view, [view, baseName] {
        const QString p = QFileDialog::getSaveFileName(view, QObject::tr("Export chart"), baseName + QStringLiteral(".png"),
                                                       QObject::tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"));
        if (p.isEmpty()) return;
        const QString err = exportChart(view, p);
        if (!err.isEmpty()) QMessageBox::warning(view, QObject::tr("Export chart"), err);
    });
    QObject::connect(data, &QAction::triggered, view, [view, baseName] {
        const QString p = QFileDialog::getSaveFileName(view, QObject::tr("Export chart data"), baseName + QStringLiteral(".csv"),
                                                       QObject::tr("CSV (*.csv)"));
        if (p.isEmpty()) return;
        const QString err = exportChartCsv(view, p);
        if (!err.isEmpty()) QMessageBox::warning(view, QObject::tr("Export chart data"), err);
    });
    view->addAction(image);
    view->addAction(data);
}

}  // namespace dwmtj::ui
