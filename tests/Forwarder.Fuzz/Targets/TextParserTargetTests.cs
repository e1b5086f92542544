using Forwarder.Commands;
using Forwarder.Core;
using Forwarder.Core.Connections;
using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;
using Forwarder.Core.Topology;
using Forwarder.Ipvsadm.Execution;
using Forwarder.Ipvsadm.Grammar;
using Forwarder.Ipvsadm.Rules;

namespace Forwarder.Fuzz.Targets;

/// <summary>
/// The text inputs: a rules file (read and applied), a topology file, and a line of ipvsadm arguments run
/// by the executor. Each is refused with its documented error or accepted; nothing else may escape.
/// </summary>
public sealed class TextParserTargetTests
{
    private static readonly DirectorTopology SeedTopology = TopologyParser.Parse(
        "interface eth2 02:00:00:00:01:71 192.168.1.113/24 public\ninterface eth1 02:00:00:00:8b:8e 192.168.139.142/24 private\n");

    private static void Rules(byte[] bytes)
    {
        try
        {
            DirectorSetup.Build(SeedTopology, Seeds.Text(bytes), maxConnections: 64);
        }
        catch (LineFormatException)
        {
            // A refused line, with its number: the documented answer.
        }
    }

    private static void Topology(byte[] bytes)
    {
        try
        {
            TopologyParser.Parse(Seeds.Text(bytes));
        }
        catch (LineFormatException)
        {
        }
    }

    private static void Arguments(byte[] bytes)
    {
        var services = new ServiceTable(SchedulerRegistry.Create);
        var state = new DirectorState(services, new ConnectionTable(new ConnectionTimeouts(), 64), () => 0);
        var executor = new IpvsadmExecutor(state);
        foreach (var line in Seeds.Text(bytes).Split('\n'))
        {
            // The executor answers every line with ipvsadm's output and status, as the real one does.
            executor.Execute(line.Split(' ', StringSplitOptions.RemoveEmptyEntries), "-A -t 1.2.3.4:80\n");
        }
    }

    [Test]
    public void MutatedRulesFiles_AreAcceptedOrRefusedByLine() =>
        MutationFuzzer.Run("rules", Seeds.ScenarioFiles("rules", "rules"), Rules);

    [Test]
    public void MutatedTopologyFiles_AreAcceptedOrRefusedByLine() =>
        MutationFuzzer.Run("topology", Seeds.ScenarioFiles("topology", "topology"), Topology);

    [Test]
    public void MutatedIpvsadmArguments_AlwaysGetAnAnswer() =>
        MutationFuzzer.Run("arguments", Seeds.ScenarioFiles("rules", "rules"), Arguments);

    [Test]
    public void KeptInputs_AreHandled()
    {
        foreach (var bytes in MutationFuzzer.Regressions("rules"))
        {
            Assert.DoesNotThrow(() => Rules(bytes));
        }
        foreach (var bytes in MutationFuzzer.Regressions("topology"))
        {
            Assert.DoesNotThrow(() => Topology(bytes));
        }
        foreach (var bytes in MutationFuzzer.Regressions("arguments"))
        {
            Assert.DoesNotThrow(() => Arguments(bytes));
        }
    }
}
