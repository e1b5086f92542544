using System.Globalization;
using System.Text;
using Forwarder.Capture.Files;
using Forwarder.Conformance.Scenarios;

namespace Forwarder.Conformance.Director;

/// <summary>
/// A scenario as an operator would replay it: its packets as captures of the two links (one millisecond
/// a step) and its table edits as a <c>replay --commands</c> file at the same moments. Only scenarios whose
/// ipvsadm steps are all edits, with a listing at the end, can be replayed so.
/// </summary>
public static class ReplayTimeline
{
    public const string PublicInterface = "eth2";
    public const string PrivateInterface = "eth1";
    private const long Start = 1_700_000_000_000_000;

    private static readonly HashSet<string> Edits = ["-A", "-E", "-D", "-a", "-e", "-d", "-C", "-Z", "--set"];

    /// <summary>
    /// Whether every ipvsadm step but the listings edits the table, and the packets come before the last listing;
    /// mark rules, which replay takes once with <c>--marks</c>, must all come before the first packet.
    /// </summary>
    public static bool Fits(Scenario scenario) =>
        scenario.Steps.Any(s => s is PacketStep) &&
        scenario.Steps.OfType<IpvsadmStep>().All(s => s.StandardInputFile is null && (Edits.Contains(s.Arguments[0]) || IsTableListing(s))) &&
        !scenario.Steps.SkipWhile(s => s is not PacketStep).Any(s => s is MarkRulesStep);

    public static bool IsTableListing(IpvsadmStep step) => step.Arguments is ["-Ln"];

    /// <summary>Writes eth2.pcap and eth1.pcap into <paramref name="directory"/> and returns the commands file's text.</summary>
    public static string Write(Scenario scenario, string directory)
    {
        var commands = new StringBuilder();
        var times = scenario.StepTimes();
        var firstFrame = times[scenario.Steps.Select((step, index) => (step, index)).First(p => p.step is PacketStep).index];
        using var clients = new PcapFrameWriter(Path.Combine(directory, PublicInterface + ".pcap"));
        using var servers = new PcapFrameWriter(Path.Combine(directory, PrivateInterface + ".pcap"));
        for (var k = 0; k < scenario.Steps.Count; k++)
        {
            switch (scenario.Steps[k])
            {
                case PacketStep packet:
                    var writer = packet.Side == PacketSide.Client ? clients : servers;
                    writer.Write(ScenarioFrames.Build(packet), Start + times[k]);
                    break;
                case IpvsadmStep edit when !IsTableListing(edit):
                    var seconds = (times[k] - firstFrame) / 1_000_000m;
                    commands.Append(seconds.ToString("0.000000", CultureInfo.InvariantCulture)).Append(' ')
                        .AppendJoin(' ', edit.Arguments).Append('\n');
                    break;
            }
        }
        return commands.ToString();
    }
}
