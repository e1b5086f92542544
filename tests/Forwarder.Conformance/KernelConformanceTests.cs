using Forwarder.Conformance.Comparison;
using Forwarder.Conformance.Director;
using Forwarder.Conformance.Kernel;
using Forwarder.Conformance.Scenarios;

namespace Forwarder.Conformance;

/// <summary>
/// The differential suite: every scenario runs on the real Linux IPVS with the real ipvsadm 1.31 (one boot
/// of the guest for all of them) and on Forwarder, and every compared step must print the same. Skipped,
/// with the reason, where this machine can neither build nor boot the guest.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class KernelConformanceTests
{
    private static KernelTranscript? _kernel;
    private static string? _unavailable;

    /// <summary>The kernel's transcript of every scenario, booting the guest the first time it is asked for.</summary>
    internal static KernelTranscript Kernel()
    {
        BootOnce();
        if (_unavailable is not null)
        {
            Assert.Ignore(_unavailable);
        }
        return _kernel!;
    }

    public static IEnumerable<TestCaseData> Scenarios() =>
        ScenarioCatalog.All.Select((scenario, index) => new TestCaseData(index).SetName($"Kernel_{scenario.Name.Replace('/', '_')}"));

    [OneTimeSetUp]
    public void BootTheKernelOnce() => BootOnce();

    private static void BootOnce()
    {
        if (_kernel is not null || _unavailable is not null)
        {
            return;
        }
        var guest = GuestMachine.Prepare();
        if (guest.Unavailable is { } reason)
        {
            _unavailable = reason;
            return;
        }
        var results = guest.RunJob(KernelJobScript.For(ScenarioCatalog.All), ScenarioCatalog.InputsDirectory, GuestWork.Directory);
        if (guest.Unavailable is { } bootReason)
        {
            _unavailable = bootReason;
            return;
        }
        _kernel = new KernelTranscript(results);
        TestContext.Progress.WriteLine($"kernel guest ran {ScenarioCatalog.All.Count} scenarios; results in {results}");
    }

    /// <summary>
    /// A scenario that sends packets ends with some connection in the kernel's -Lnc: were the guest's packets lost on
    /// the way to IPVS (a set-up gone wrong, a family not routed), both sides' empty tables would compare equal.
    /// </summary>
    private static void AssertTheKernelsPacketsArrived(KernelTranscript kernel, int index, Scenario scenario)
    {
        var last = scenario.Steps.Select((step, k) => (step, k)).LastOrDefault(p => p.step is ConnectionsStep);
        if (!scenario.Steps.Any(step => step is PacketStep) || last.step is null || kernel.Step(index, last.k) is not { } listing)
        {
            return;
        }
        Assert.That(listing.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.GreaterThan(2),
            $"line {last.step.LineNumber}: the kernel lists no connection at all: its packets never reached IPVS");
    }

    [TestCaseSource(nameof(Scenarios))]
    public void Scenario_PrintsWhatTheKernelPrints(int index)
    {
        var kernel = Kernel();
        var scenario = ScenarioCatalog.All[index];
        Assert.That(kernel.SetupLog(index), Is.Empty, "the guest's network set-up for this scenario failed");
        AssertTheKernelsPacketsArrived(kernel, index, scenario);
        var ours = ForwarderScenarioRun.Run(scenario, ScenarioCatalog.InputsDirectory);
        var differences = new List<string>();
        for (var k = 0; k < scenario.Steps.Count; k++)
        {
            var step = scenario.Steps[k];
            if (!step.IsCompared)
            {
                continue;
            }
            var kernelOutput = kernel.Step(index, k);
            if (kernelOutput is null)
            {
                differences.Add($"line {step.LineNumber}: the guest left no output (job errors: {kernel.JobErrors})");
                continue;
            }
            var difference = StepComparison.Differences(step, kernelOutput, ours[k]);
            if (step.KnownDifference is { } reason)
            {
                if (difference is null)
                {
                    differences.Add($"line {step.LineNumber}: marked 'known-difference {reason}' but now prints what the kernel prints: remove the mark");
                }
                else
                {
                    TestContext.Out.WriteLine($"known difference, line {step.LineNumber} ({reason}):\n{difference}");
                }
            }
            else if (difference is not null)
            {
                differences.Add(difference);
            }
        }
        if (differences.Count > 0)
        {
            Assert.Fail($"{scenario.Name}: {scenario.Description}\n" + string.Join("\n", differences));
        }
    }
}
