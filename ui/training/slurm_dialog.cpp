#include "training/slurm_dialog.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace dwmtj::ui {

SlurmDialog::SlurmDialog(core::Sweep sweep, QString dwmtjBinary, QString initialFolder,
                         QWidget* parent)
    : QDialog(parent), m_sweep(std::move(sweep)), m_binary(std::move(dwmtjBinary))
{
    setWindowTitle(tr("Submit the queue to Slurm"));
    m_folder = new QLineEdit(initialFolder);
    auto* browse = new QPushButton(tr("Browse..."));
    auto* folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(browse);
    m_partition = new QLineEdit;
    m_account = new QLineEdit;
    m_time = new QLineEdit;
    m_time->setPlaceholderText(tr("HH:MM:SS (the partition's default when empty)"));
    m_mem = new QLineEdit;
    m_mem->setPlaceholderText(tr("e.g. 8G"));
    m_gres = new QLineEdit;
    m_cpus = new QSpinBox;
    m_cpus->setRange(1, 256);
    m_cpus->setValue(2);
    m_maxParallel = new QSpinBox;
    m_maxParallel->setRange(0, 100000);
    m_maxParallel->setSpecialValueText(tr("no limit"));
    m_extra = new QPlainTextEdit;
    m_extra->setPlaceholderText(tr("more sbatch options, one per line (e.g. --qos=low)"));
    m_extra->setMaximumHeight(60);
    m_script = new QPlainTextEdit;
    m_script->setObjectName(QStringLiteral("slurmScript"));
    m_script->setReadOnly(true);
    m_script->setLineWrapMode(QPlainTextEdit::NoWrap);
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    m_script->setFont(mono);

    const auto tasks = core::sweepTasks(m_sweep);
    double hours = 0;
    for (const auto& t : tasks) hours += t.estimatedCoreHours;
    auto* summary = new QLabel(
        tr("%n task(s): every configuration of the queue x its seeds, one array task each; a "
           "collect job merges them when the array ends. Estimated %1 core-hours.",
           nullptr, int(tasks.size()))
            .arg(hours, 0, 'g', 3));
    summary->setWordWrap(true);

    auto* form = new QFormLayout;
    form->addRow(tr("Sweep folder (shared with the nodes)"), folderRow);
    form->addRow(tr("Partition"), m_partition);
    form->addRow(tr("Account"), m_account);
    form->addRow(tr("Time limit"), m_time);
    form->addRow(tr("CPUs per task"), m_cpus);
    form->addRow(tr("Memory"), m_mem);
    form->addRow(tr("GRES"), m_gres);
    form->addRow(tr("Tasks at a time"), m_maxParallel);
    form->addRow(tr("Other options"), m_extra);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Submit"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(summary);
    layout->addLayout(form);
    layout->addWidget(new QLabel(tr("The array job script that will be submitted:")));
    layout->addWidget(m_script, 1);
    layout->addWidget(buttons);
    resize(760, 720);

    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString d = QFileDialog::getExistingDirectory(this, tr("Sweep folder"), folder());
        if (!d.isEmpty())
            m_folder->setText(d + QStringLiteral("/") + QString::fromStdString(m_sweep.name));
    });
    for (auto* e : {m_folder, m_partition, m_account, m_time, m_mem, m_gres})
        connect(e, &QLineEdit::textChanged, this, &SlurmDialog::refresh);
    for (auto* s : {m_cpus, m_maxParallel})
        connect(s, &QSpinBox::valueChanged, this, &SlurmDialog::refresh);
    connect(m_extra, &QPlainTextEdit::textChanged, this, &SlurmDialog::refresh);
    refresh();
}

QString SlurmDialog::folder() const { return m_folder->text().trimmed(); }

core::SlurmOptions SlurmDialog::options() const
{
    core::SlurmOptions o;
    o.partition = m_partition->text().trimmed().toStdString();
    o.account = m_account->text().trimmed().toStdString();
    o.time = m_time->text().trimmed().toStdString();
    o.mem = m_mem->text().trimmed().toStdString();
    o.gres = m_gres->text().trimmed().toStdString();
    o.cpusPerTask = m_cpus->value();
    o.maxParallel = m_maxParallel->value();
    for (const QString& line : m_extra->toPlainText().split(QLatin1Char('\n'), Qt::SkipEmptyParts))
        if (!line.trimmed().isEmpty()) o.extraArgs.push_back(line.trimmed().toStdString());
    return o;
}

QString SlurmDialog::preview() const { return m_script->toPlainText(); }

void SlurmDialog::refresh()
{
    std::vector<int> all;
    for (const auto& t : core::sweepTasks(m_sweep)) all.push_back(t.index);
    m_script->setPlainText(QString::fromStdString(
        core::slurmArrayScript(folder().toStdString(), m_sweep, all, options(),
                               core::nodeCommand(m_binary.toStdString()))));
}

}  // namespace dwmtj::ui
