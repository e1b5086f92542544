using Forwarder.Conformance.Kernel;
using Forwarder.Conformance.Scenarios;
using Forwarder.Core.Connections;
using Forwarder.Core.Engine;
using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;
using Forwarder.Core.Sync;
using Forwarder.Core.Topology;
using Forwarder.Core.Transmit;
using Forwarder.Ipvsadm.Execution;
using Forwarder.Ipvsadm.Grammar;
using Forwarder.Ipvsadm.Listing;
using Forwarder.Ipvsadm.Naming;

namespace Forwarder.Conformance.Director;

/// <summary>
/// Forwarder's side of a scenario: a fresh engine with the guest's topology, fed the same packets as
/// frames, with every ipvsadm step run through the same executor the live director's control socket
/// uses. Names resolve as in the guest: /etc/hosts holds only localhost, /etc/services is this machine's.
/// The clock moves as <see cref="Scenario.StepTimes"/> says.
/// </summary>
public sealed class ForwarderScenarioRun
{
    private const string GuestHosts = "127.0.0.1\tlocalhost\n";

    private readonly DirectorEngine _engine;
    private readonly IpvsadmExecutor _executor;
    private readonly OutputBatch _output = new();
    private readonly int _publicIndex;
    private readonly int _privateIndex;
    private readonly ScenarioMarks _marks;
    private const long Start = 1_700_000_000_000_000;
    private long _now = Start;

    public ForwarderScenarioRun()
    {
        var topology = TopologyParser.Parse(GuestTopology.ForwarderTopology());
        _engine = new DirectorEngine(topology, new ServiceTable(SchedulerRegistry.Create), new ConnectionTable(new ConnectionTimeouts()));
        _publicIndex = topology.Interfaces.Single(i => i.Role == InterfaceRole.Public).Index;
        _privateIndex = topology.Interfaces.Single(i => i.Role == InterfaceRole.Private).Index;
        _marks = new ScenarioMarks(topology.Interfaces.Select(i => i.Name).ToList());
        var services = File.Exists("/etc/services") ? File.ReadAllText("/etc/services") : null;
        var hosts = HostNames.Parse(GuestHosts);
        var names = new ServicesFileNameResolver(services, hosts.NameOf);
        var parser = new IpvsadmParser(services is null ? ServiceNames.BuiltIn : ServiceNames.Parse(services), hosts);
        _executor = new IpvsadmExecutor(DirectorState.FromEngine(_engine, new ServiceRateEstimators(), () => _now, new SyncDaemons(new GuestSyncLinks())), names, parser);
    }

    /// <summary>Runs every step; the compared ones' outputs by step index.</summary>
    public static Dictionary<int, StepOutput> Run(Scenario scenario, string inputs)
    {
        var run = new ForwarderScenarioRun();
        var outputs = new Dictionary<int, StepOutput>();
        var times = scenario.StepTimes();
        for (var k = 0; k < scenario.Steps.Count; k++)
        {
            run._now = Start + times[k];
            if (run.Step(scenario.Steps[k], inputs) is { } output)
            {
                outputs[k] = output;
            }
        }
        return outputs;
    }

    private StepOutput? Step(ScenarioStep step, string inputs)
    {
        switch (step)
        {
            case IpvsadmStep ipvsadm:
                var standardInput = ipvsadm.StandardInputFile is { } file ? File.ReadAllText(Path.Combine(inputs, file)) : "";
                return Execute(ipvsadm.Arguments, standardInput);
            case ConnectionsStep:
                return Execute(["-Lnc"], "");
            case PacketStep packet:
                _output.Clear();
                _engine.Process(ScenarioFrames.Build(packet), packet.Side == PacketSide.Client ? _publicIndex : _privateIndex, _now, _output);
                return null;
            case SleepStep:
                _engine.AdvanceClock(_now, _output);
                return null;
            case MarkRulesStep marks:
                _engine.Services.FirewallMarks = _marks.Restore(marks, inputs);
                return null;
            default:
                throw new ArgumentException($"unknown step {step}");
        }
    }

    private StepOutput Execute(IReadOnlyList<string> arguments, string standardInput)
    {
        _engine.AdvanceClock(_now, _output);
        var result = _executor.Execute(arguments, standardInput);
        return new StepOutput(result.StandardOutput, result.StandardError, result.ExitCode);
    }
}
