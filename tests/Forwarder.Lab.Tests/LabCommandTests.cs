namespace Forwarder.Lab.Tests;

/// <summary>
/// <c>./run-director.sh lab</c> and <c>lab --ipv6</c> as an operator runs them: the lab built, the live director
/// started with the seed's rules, the seed's client loop of six GETs showing web3, web2, web1 twice, the listing; then
/// everything torn down. Each under a prefix of its own. Needs root.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class LabCommandTests
{
    [TestCase("4", new string[0], "web3:192.168.139.252", "web2:192.168.139.253", "web1:192.168.139.254", "TCP  192.168.1.199:80 rr")]
    [TestCase("6", new[] { "--ipv6" }, "web3:2001:db8:139::252", "web2:2001:db8:139::253", "web1:2001:db8:139::254", "TCP  [2001:db8::199]:80 rr")]
    public void Lab_ShowsTheSeedsRotationThroughTheLiveDirector(string tag, string[] options, string third, string second, string first, string service)
    {
        if (Lab.WhyNot() is { } reason)
        {
            Assert.Ignore(reason);
        }
        var prefix = $"f{Environment.ProcessId % 10000}lc{tag}-";
        var environment = new Dictionary<string, string?> { ["LAB_PREFIX"] = prefix, ["FORWARDER_DLL"] = Repository.ForwarderDll, ["LAB_STATE"] = null };
        Shell.Result run;
        try
        {
            run = Shell.Run(Path.Combine(Repository.Root, "run-director.sh"), new[] { "lab" }.Concat(options), TimeSpan.FromSeconds(180), environment: environment);
        }
        finally
        {
            // lab() tears its lab down as it ends; this is for a run cut short (its processes killed by the timeout).
            Shell.Run(Path.Combine(Repository.Root, "src", "lab", "lab-netns.sh"), ["down"], TimeSpan.FromSeconds(60), environment: environment);
            RemoveTheDirectorsNamespaceLock($"/tmp/{prefix}lab/director");
        }
        var answers = run.Output.Split('\n').Where(l => l.StartsWith("web", StringComparison.Ordinal)).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.Zero, run.Error + run.Output);
            Assert.That(answers, Is.EqualTo(new[] { third, second, first, third, second, first }), run.Output);
            Assert.That(run.Output, Does.Contain(service + "\n"));
            Assert.That(Shell.Run("ip", ["netns", "list"]).Output, Does.Not.Contain(prefix), "the lab is gone");
        });
    }

    /// <summary>run-director.sh's one-director-per-namespace lock of the lab's director names its state directory.</summary>
    private static void RemoveTheDirectorsNamespaceLock(string directorState)
    {
        foreach (var path in Directory.EnumerateFiles("/run/lock", "forwarder-net-*.lock"))
        {
            try
            {
                if (File.ReadAllText(path).Trim() == directorState)
                {
                    File.Delete(path);
                }
            }
            catch (IOException)
            {
                // Another's, being written or gone: not ours to remove.
            }
        }
    }
}
