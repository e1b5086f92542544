using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Forwarder.Benchmarks;

/// <summary>The default config plus a frames-per-second column (1 / mean time per frame). Jobs come from the command line (--job short ...).</summary>
public sealed class FrameConfig : ManualConfig
{
    public FrameConfig()
    {
        AddColumn(new FramesPerSecondColumn());
        HideColumns(Column.Gen0, Column.Gen1, Column.Gen2);
    }
}

/// <summary>Frames/s = 1 / Mean, the Mean being per frame since each benchmark sets OperationsPerInvoke to its frames.</summary>
public sealed class FramesPerSecondColumn : IColumn
{
    public string Id => nameof(FramesPerSecondColumn);

    public string ColumnName => "Frames/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Statistics;

    public int PriorityInCategory => 10;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Frames per second on one core: 1 / Mean (time per frame)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var statistics = summary[benchmarkCase]?.ResultStatistics;
        if (statistics is null || statistics.Mean <= 0)
        {
            return "NA";
        }
        var perSecond = 1e9 / statistics.Mean;
        return perSecond >= 1e6
            ? (perSecond / 1e6).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + " M"
            : (perSecond / 1e3).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " k";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public override string ToString() => ColumnName;
}
