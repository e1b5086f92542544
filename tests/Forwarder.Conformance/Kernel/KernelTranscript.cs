using System.Globalization;
using System.Text;

namespace Forwarder.Conformance.Kernel;

/// <summary>The kernel's side of a run: each compared step's output, read from the guest's /out.</summary>
public sealed class KernelTranscript
{
    private readonly string _results;

    public KernelTranscript(string results)
    {
        _results = results;
    }

    /// <summary>Step <paramref name="step"/> of scenario <paramref name="scenario"/>; null when the guest left nothing for it.</summary>
    public StepOutput? Step(int scenario, int step)
    {
        var stem = Path.Combine(_results, scenario.ToString(CultureInfo.InvariantCulture), step.ToString(CultureInfo.InvariantCulture));
        if (!File.Exists(stem + ".status"))
        {
            return null;
        }
        return new StepOutput(Read(stem + ".out"), Read(stem + ".err"),
            int.Parse(Read(stem + ".status").Trim(), CultureInfo.InvariantCulture));
    }

    /// <summary>What the scenario's network set-up printed in the guest (empty when all went well).</summary>
    public string SetupLog(int scenario) => Read(Path.Combine(_results, scenario.ToString(CultureInfo.InvariantCulture), "setup.log"));

    public string JobErrors => Read(Path.Combine(_results, "job.stderr")) + Read(Path.Combine(_results, "sender.err"));

    // Latin-1 keeps every byte ipvsadm printed as one char, so byte-for-byte comparison holds.
    private static string Read(string path) => File.Exists(path) ? File.ReadAllText(path, Encoding.Latin1) : string.Empty;
}
