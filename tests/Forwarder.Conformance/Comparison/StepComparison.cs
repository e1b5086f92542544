using System.Text;
using Forwarder.Conformance.Kernel;
using Forwarder.Conformance.Scenarios;

namespace Forwarder.Conformance.Comparison;

/// <summary>One compared step, both sides' output side by side, and what differs.</summary>
public static class StepComparison
{
    /// <summary>A description of every way the two outputs differ; null when they agree.</summary>
    public static string? Differences(ScenarioStep step, StepOutput kernel, StepOutput ours)
    {
        var differences = new List<string>();
        // ipvsadm's exit status reaches the shell as a byte: -1 is 255.
        if (kernel.ExitStatus != (ours.ExitStatus & 0xFF))
        {
            differences.Add($"exit status: kernel {kernel.ExitStatus}, ours {ours.ExitStatus & 0xFF}");
        }
        if (kernel.StandardError != ours.StandardError)
        {
            differences.Add("stderr differs");
        }
        if (step is ConnectionsStep)
        {
            differences.AddRange(ConnectionEntries.Differences(kernel.StandardOutput, ours.StandardOutput));
        }
        else if (step is IpvsadmStep { Arguments: var arguments } && arguments.Contains("--nosort"))
        {
            if (UnsortedListing.Normalize(kernel.StandardOutput) != UnsortedListing.Normalize(ours.StandardOutput))
            {
                differences.Add("stdout differs (services compared as a set)");
            }
        }
        else if (kernel.StandardOutput != ours.StandardOutput)
        {
            differences.Add("stdout differs");
        }
        if (differences.Count == 0)
        {
            return null;
        }
        var text = new StringBuilder();
        text.Append("line ").Append(step.LineNumber).Append(": ").Append(Describe(step)).Append('\n');
        foreach (var difference in differences)
        {
            text.Append("  ").Append(difference).Append('\n');
        }
        text.Append("  --- kernel ").Append(Indent(kernel.ToString()));
        text.Append("  --- ours ").Append(Indent(ours.ToString()));
        return text.ToString();
    }

    private static string Describe(ScenarioStep step) => step switch
    {
        IpvsadmStep ipvsadm => "ipvsadm " + string.Join(' ', ipvsadm.Arguments.Select(KernelJobScript.Quote)) +
            (ipvsadm.StandardInputFile is { } input ? " < " + input : ""),
        ConnectionsStep => "ipvsadm -Lnc",
        _ => step.ToString(),
    };

    private static string Indent(string text) =>
        string.Join('\n', text.Split('\n').Select(line => "    " + line.Replace("\u001b", "\\e", StringComparison.Ordinal))) + "\n";
}
