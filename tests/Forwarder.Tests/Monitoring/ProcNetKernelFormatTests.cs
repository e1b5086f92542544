namespace Forwarder.Tests.Monitoring;

/// <summary>
/// The procfs files against the real kernel's (KernelProcNet: captured from Linux 6.1 with ipvsadm 1.31 by
/// capture-proc-net.sh): an engine given the same table and packets writes the same bytes. Where the kernel's order
/// is its hash order (services, connections), lines are compared as sets; the firewall-mark service's block included. The -o service's datagram leaves no connection entry, in the kernel's files and ours.
/// </summary>
public sealed class ProcNetKernelFormatTests
{
    /// <summary>192.168.1.201:5000, the -o service, as the files write it.</summary>
    private const string OnePacketVirtual = "C0A801C9 1388";

    private readonly KernelCaptureDirector _director = new();

    [Test]
    public void IpVs_HeaderAndEveryServiceBlock_AreTheKernelsBytes()
    {
        var kernel = KernelProcNetFiles.Read("ip_vs");
        var ours = ProcNetFormat.IpVs(_director.Snapshots.Take());

        Assert.That(KernelProcNetFiles.Lines(ours).Take(3), Is.EqualTo(KernelProcNetFiles.Lines(kernel).Take(3)));
        var kernelBlocks = KernelProcNetFiles.ServiceBlocks(kernel);
        var ourBlocks = KernelProcNetFiles.ServiceBlocks(ours);
        Assert.That(ourBlocks, Is.EquivalentTo(kernelBlocks));
    }

    [Test]
    public void IpVs_OfAnEmptyTable_IsTheKernelsBytes()
    {
        var empty = new DirectorSnapshotterFor(new KernelCaptureDirector().Engine);
        var snapshot = empty.Take() with { Services = [] };

        Assert.That(ProcNetFormat.IpVs(snapshot), Is.EqualTo(KernelProcNetFiles.Read("empty-ip_vs")));
    }

    [Test]
    public void IpVsConn_HeaderAndEveryEntry_AreTheKernelsBytes()
    {
        var kernel = KernelProcNetFiles.Lines(KernelProcNetFiles.Read("ip_vs_conn"));
        var ours = KernelProcNetFiles.Lines(ProcNetFormat.IpVsConn(_director.Snapshots.Connections().Rows));

        Assert.That(ours[0], Is.EqualTo(kernel[0]));
        Assert.That(ours.Skip(1), Is.EquivalentTo(kernel.Skip(1)));
        Assert.That(ours.Count(line => line.Contains(OnePacketVirtual, StringComparison.Ordinal)), Is.Zero, "-o keeps no entry");
    }

    [Test]
    public void IpVsStats_TotalsAreTheKernels_AndTheLayoutIsByteExact()
    {
        // The kernel's totals are refreshed by its estimator every 2 s; the later capture has them.
        var kernel = KernelProcNetFiles.Read("later-ip_vs_stats");
        var snapshot = _director.Snapshots.Take();
        var ours = ProcNetFormat.IpVsStats(snapshot);

        Assert.That(KernelProcNetFiles.Lines(ours)[..3], Is.EqualTo(KernelProcNetFiles.Lines(kernel)[..3]));
        // Rates are the estimator's, which depends on when its ticks fell: given the kernel's, the whole file is the kernel's.
        var kernelRates = new Forwarder.Core.Services.TrafficRates(0, 1, 0, 0x1A, 0);
        Assert.That(ProcNetFormat.IpVsStats(snapshot with { TotalRates = kernelRates }), Is.EqualTo(kernel));
    }

    [Test]
    public void IpVsStatsPerCpu_OneCpuHoldingTheTotals_IsTheKernelsBytes()
    {
        var kernel = KernelProcNetFiles.Read("later-ip_vs_stats_percpu");
        var snapshot = _director.Snapshots.Take() with { TotalRates = new Forwarder.Core.Services.TrafficRates(0, 1, 0, 0x1A, 0) };

        Assert.That(ProcNetFormat.IpVsStatsPerCpu(snapshot), Is.EqualTo(kernel));
    }
}
