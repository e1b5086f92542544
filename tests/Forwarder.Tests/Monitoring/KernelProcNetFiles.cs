namespace Forwarder.Tests.Monitoring;

/// <summary>The files captured from Linux 6.1 by KernelProcNet/capture-proc-net.sh (see that script for what made them).</summary>
internal static class KernelProcNetFiles
{
    public static string Read(string name) =>
        File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Monitoring", "KernelProcNet", name));

    public static string[] Lines(string text) => text.Split('\n')[..^1];

    /// <summary>/proc/net/ip_vs's service blocks (a service line and its real servers' lines), in file order.</summary>
    public static List<string> ServiceBlocks(string ipVs)
    {
        var blocks = new List<string>();
        foreach (var line in Lines(ipVs).Skip(3))
        {
            if (line.StartsWith("  ->", StringComparison.Ordinal))
            {
                blocks[^1] += line + "\n";
            }
            else
            {
                blocks.Add(line + "\n");
            }
        }
        return blocks;
    }
}
