#include "devices/device_page.h"

#include <QComboBox>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSaveFile>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include "charts/probability_chart.h"
#include "dwmtj/device_io.h"
#include "dwmtj/error.h"
#include "dwmtj/estimate.h"
#include "dwmtj/fit_report.h"
#include "dwmtj/lut.h"

namespace dwmtj::ui {

DevicePage::DevicePage(QWidget* parent) : QWidget(parent)
{
    m_banner = new QLabel;
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->setStyleSheet("QLabel { background: #fdecea; color: #8a1c1c; border: 1px solid #f5c2c0; padding: 6px; }");
    m_banner->hide();
    m_source = new QLabel(tr("No device data loaded. Use File > Open or drop a file here."));
    m_source->setWordWrap(true);
    m_form = new QComboBox;
    m_form->addItem(tr("2-parameter sigmoid"), 2);
    m_form->addItem(tr("4-parameter (floor / ceiling)"), 4);
    connect(m_form, &QComboBox::currentIndexChanged, this, [this] { refit(); });

    m_table = new QTableWidget(0, 5);
    m_table->setHorizontalHeaderLabels({tr("V [V]"), tr("switches"), tr("trials"), tr("p"), tr("95 % interval")});
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_report = new QPlainTextEdit;
    m_report->setReadOnly(true);
    m_report->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_report->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_chart = new ProbabilityChart;

    auto* top = new QHBoxLayout;
    top->addWidget(m_source, 1);
    top->addWidget(new QLabel(tr("Model:")));
    top->addWidget(m_form);
    auto* left = new QSplitter(Qt::Vertical);
    left->addWidget(m_table);
    left->addWidget(m_report);
    left->setStretchFactor(0, 1);
    left->setStretchFactor(1, 1);
    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(left);
    split->addWidget(m_chart);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setSizes({560, 720});
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_banner);
    layout->addLayout(top);
    layout->addWidget(split, 1);
}

QString DevicePage::errorText() const { return m_banner->isHidden() ? QString() : m_banner->text(); }

void DevicePage::showError(const QString& text)
{
    m_banner->setText(text);
    m_banner->setVisible(!text.isEmpty());
    if (!text.isEmpty()) Q_EMIT logMessage(tr("Error: %1").arg(text));
}

bool DevicePage::loadFile(const QString& path)
{
    std::optional<core::DeviceData> loaded;
    try {
        loaded = core::loadDeviceFile(path.toStdString());
    } catch (const std::exception& e) {
        showError(QString::fromStdString(e.what()) +
                  (m_data ? tr("\nThe previously loaded data are kept.") : QString()));
        return false;
    }
    m_data = std::move(loaded);  // swap in only on success
    showError({});
    const auto& d = *m_data;
    m_source->setText(tr("<b>%1</b> &mdash; %2, sha256 %3").arg(QFileInfo(path).fileName().toHtmlEscaped(),
                                                           QString::fromStdString(d.sourceShape),
                                                           QString::fromStdString(d.sourceSha256.substr(0, 12))));
    m_form->setEnabled(d.kind == core::DeviceKind::Binary);
    for (const auto& w : d.warnings)
        Q_EMIT logMessage(tr("Warning: %1: %2").arg(path, QString::fromStdString(w.message)));
    Q_EMIT logMessage(tr("Loaded %1 (%2)").arg(path, QString::fromStdString(d.sourceShape)));
    refit();
    Q_EMIT fileLoaded(path);
    return true;
}

void DevicePage::refit()
{
    if (!m_data) return;
    const auto& d = *m_data;
    m_fit.reset();
    m_ordinal.reset();
    QString report;
    const QString name = QFileInfo(QString::fromStdString(d.sourcePath)).fileName();
    if (d.kind == core::DeviceKind::Binary) {
        const auto est = core::estimateProportions(d.binary);
        m_table->setColumnCount(5);
        m_table->setHorizontalHeaderLabels({tr("V [V]"), tr("switches"), tr("trials"), tr("p"), tr("95 % interval")});
        m_table->setRowCount(int(est.size()));
        for (int r = 0; r < int(est.size()); ++r) {
            const auto& e = est[r];
            const QStringList cells = {QString::number(e.voltage, 'f', 4),
                                       e.trialsKnown ? QString::number(e.switches) : "-",
                                       e.trialsKnown ? QString::number(e.trials) : "-", QString::number(e.p, 'f', 5),
                                       e.trialsKnown ? QString("%1 .. %2").arg(e.lower, 0, 'f', 4).arg(e.upper, 0, 'f', 4) : "-"};
            for (int c = 0; c < cells.size(); ++c) {
                auto* item = new QTableWidgetItem(cells[c]);
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
                m_table->setItem(r, c, item);
            }
        }
        core::SigmoidFitOptions fo;
        fo.form = m_form->currentData().toInt() == 4 ? core::SigmoidForm::FourParameter : core::SigmoidForm::TwoParameter;
        try {
            m_fit = core::fitSigmoid(d.binary.counts, d.binary.trialsKnown, fo);
            report = QString::fromStdString(core::formatSigmoidReport(*m_fit));
        } catch (const std::exception& e) {
            report = tr("No fit: %1").arg(QString::fromStdString(e.what()));
            Q_EMIT logMessage(tr("%1: %2").arg(name, QString::fromStdString(e.what())));
        }
        m_chart->showBinary(est, m_fit, tr("Switching probability per pulse — %1").arg(name));
    } else {
        const auto& m = d.multi;
        m_table->setColumnCount(m.numStates + 2);
        QStringList headers = {tr("V [V]")};
        for (int k = 1; k <= m.numStates; ++k) headers << tr("S%1").arg(k);
        headers << tr("cycles");
        m_table->setHorizontalHeaderLabels(headers);
        m_table->setRowCount(int(m.voltages.size()));
        for (int r = 0; r < int(m.voltages.size()); ++r) {
            double n = 0;
            for (double c : m.stateCounts[r]) n += c;
            m_table->setItem(r, 0, new QTableWidgetItem(QString::number(m.voltages[r], 'f', 3)));
            for (int k = 0; k < m.numStates; ++k)
                m_table->setItem(r, k + 1, new QTableWidgetItem(QString::number(n > 0 ? m.stateCounts[r][k] / n : 0, 'f', 2)));
            m_table->setItem(r, m.numStates + 1, new QTableWidgetItem(QString::number(n)));
        }
        try {
            m_ordinal = core::fitOrdinal(m);
            report = QString::fromStdString(core::formatOrdinalReport(*m_ordinal));
        } catch (const std::exception& e) {
            report = tr("No fit: %1").arg(QString::fromStdString(e.what()));
        }
        m_chart->showMultiState(m, m_ordinal, tr("State probabilities — %1").arg(name));
    }
    m_report->setPlainText(report);
}

QString DevicePage::exportLut(const QString& path) const
{
    if (!m_data) return tr("No device data loaded");
    try {
        core::LutOptions o;
        core::Lut lut = m_data->kind == core::DeviceKind::Binary
                            ? core::buildBinaryLut(*m_data, m_fit ? &*m_fit : nullptr, o)
                            : core::buildMultiStateLut(*m_data, m_ordinal ? &*m_ordinal : nullptr, o);
        core::saveLut(lut, path.toStdString());
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

QString DevicePage::exportTableCsv(const QString& path) const
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Text)) return tr("%1: cannot write the file").arg(path);
    QStringList header;
    for (int c = 0; c < m_table->columnCount(); ++c) header << m_table->horizontalHeaderItem(c)->text();
    f.write((header.join(',') + '\n').toUtf8());
    for (int r = 0; r < m_table->rowCount(); ++r) {
        QStringList row;
        for (int c = 0; c < m_table->columnCount(); ++c) row << (m_table->item(r, c) ? m_table->item(r, c)->text() : "");
        f.write((row.join(',') + '\n').toUtf8());
    }
    return f.commit() ? QString() : tr("%1: writing failed").arg(path);
}

}  // namespace dwmtj::ui
