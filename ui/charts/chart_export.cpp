#include "charts/chart_export.h"

#include <QAction>
#include <QAreaSeries>
#include <QBuffer>
#include <QChartView>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QImage>
#include <QLineSeries>
#include <QMessageBox>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QTextStream>
#include <QXYSeries>

#include "charts/chart_style.h"

namespace dwmtj::ui {
QString writeFileAtomically(const QString& path, const QByteArray& bytes, const QString& kind)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit())
        return path + QStringLiteral(
                          ": cannot write the %1 file (%2; disk full?); the previous file, if any, "
                          "is kept")
                          .arg(kind, f.errorString());
    return {};
}

QString exportChart(QChartView* view, const QString& path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    const QSizeF mm(160, 110);  // a single-column publication figure
    const QRect source = view->rect();
    if (suffix == "png") {
        const int dpi = 300;
        QImage img(int(mm.width() / 25.4 * dpi), int(mm.height() / 25.4 * dpi),
                   QImage::Format_ARGB32);
        img.setDotsPerMeterX(int(dpi / 0.0254));
        img.setDotsPerMeterY(int(dpi / 0.0254));
        img.fill(Qt::white);
        QPainter p(&img);
        p.setRenderHint(QPainter::Antialiasing);
        view->render(&p, QRectF(img.rect()), source);
        p.end();
        QBuffer png;
        png.open(QIODevice::WriteOnly);
        if (!img.save(&png, "PNG")) return path + ": cannot encode the PNG image";
        return writeFileAtomically(path, png.data(), QStringLiteral("PNG"));
    }
    // SVG and PDF are drawn into memory first: their generators do not report write errors.
    if (suffix == "svg") {
        QBuffer svg;
        svg.open(QIODevice::WriteOnly);
        QSvgGenerator gen;
        gen.setOutputDevice(&svg);
        gen.setSize(source.size());
        gen.setViewBox(source);
        gen.setTitle(view->chart() ? view->chart()->title() : QString());
        QPainter p;
        if (!p.begin(&gen)) return path + ": cannot write the SVG file";
        view->render(&p, QRectF(source), source);
        p.end();
        return writeFileAtomically(path, svg.data(), QStringLiteral("SVG"));
    }
    if (suffix == "pdf") {
        QBuffer bytes;
        bytes.open(QIODevice::WriteOnly);
        {
            QPdfWriter pdf(&bytes);
            pdf.setPageSize(QPageSize(mm, QPageSize::Millimeter));
            pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
            pdf.setResolution(300);
            QPainter p;
            if (!p.begin(&pdf)) return path + ": cannot write the PDF file";
            view->render(&p, QRectF(0, 0, pdf.width(), pdf.height()), source);
            p.end();
        }
        return writeFileAtomically(path, bytes.data(), QStringLiteral("PDF"));
    }
    return path + ": expected a .png, .svg or .pdf file name, found '." + suffix + "'";
}

QString chartCsv(QChartView* view)
{
    if (const auto* source = dynamic_cast<const CsvSource*>(view)) return source->csv();
    QString out;
    QTextStream ts(&out);
    auto name = [](const QAbstractSeries* s) {
        return QString(s->name()).replace(QLatin1Char(','), QLatin1Char(';'));
    };
    ts << "series,x,y,y_lower\n";
    for (QAbstractSeries* s : view->chart()->series()) {
        if (auto* xy = qobject_cast<QXYSeries*>(s)) {
            for (const QPointF& p : xy->points())
                ts << name(s) << ',' << p.x() << ',' << p.y() << ",\n";
        } else if (auto* area = qobject_cast<QAreaSeries*>(s)) {
            const auto up = area->upperSeries() ? area->upperSeries()->points() : QList<QPointF>();
            const auto lo = area->lowerSeries() ? area->lowerSeries()->points() : QList<QPointF>();
            for (qsizetype i = 0; i < up.size(); ++i)
                ts << name(s) << ',' << up[i].x() << ',' << up[i].y() << ','
                   << (i < lo.size() ? QString::number(lo[i].y()) : QString()) << '\n';
        }
    }
    return out;
}

QString exportChartCsv(QChartView* view, const QString& path)
{
    return writeFileAtomically(path, chartCsv(view).toUtf8(), QStringLiteral("CSV"));
}

QString exportChartSet(QChartView* view, const QString& dir, const QString& name)
{
    QStringList errors;
    QDir().mkpath(dir);
    for (const char* suffix : {"png", "svg", "pdf"}) {
        const QString e =
            exportChart(view, QDir(dir).filePath(name + QLatin1Char('.') + QLatin1String(suffix)));
        if (!e.isEmpty()) errors << e;
    }
    const QString e = exportChartCsv(view, QDir(dir).filePath(name + QStringLiteral(".csv")));
    if (!e.isEmpty()) errors << e;
    return errors.join(QLatin1Char('\n'));
}

QChartView* makeChartView(const QString& objectName, const QString& title, const QString& baseName)
{
    auto* view = new QChartView;
    view->setObjectName(objectName);
    view->setRenderHint(QPainter::Antialiasing);
    view->setChart(freshChart(title));
    installExportMenu(view, baseName);
    return view;
}

void installExportMenu(QChartView* view, const QString& baseName)
{
    view->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto* image = new QAction(QObject::tr("Export image (PNG, SVG, PDF)..."), view);
    auto* data = new QAction(QObject::tr("Export data (CSV)..."), view);
    QObject::connect(image, &QAction::triggered, view, [view, baseName] {
        const QString p = QFileDialog::getSaveFileName(
            view, QObject::tr("Export chart"), baseName + QStringLiteral(".png"),
            QObject::tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"));
        if (p.isEmpty()) return;
        const QString err = exportChart(view, p);
        if (!err.isEmpty()) QMessageBox::warning(view, QObject::tr("Export chart"), err);
    });
    QObject::connect(data, &QAction::triggered, view, [view, baseName] {
        const QString p = QFileDialog::getSaveFileName(view, QObject::tr("Export chart data"),
                                                       baseName + QStringLiteral(".csv"),
                                                       QObject::tr("CSV (*.csv)"));
        if (p.isEmpty()) return;
        const QString err = exportChartCsv(view, p);
        if (!err.isEmpty()) QMessageBox::warning(view, QObject::tr("Export chart data"), err);
    });
    view->addAction(image);
    view->addAction(data);
}

}  // namespace dwmtj::ui
