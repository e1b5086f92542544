using Forwarder.Core.Topology;

namespace Forwarder.Core.Tests.Topology;

/// <summary>A topology refusal repeats the file's word as <see cref="EchoedText"/> shows it: control characters escaped, long words cut.</summary>
public sealed class TopologyEchoTests
{
    private const string Public = "interface eth2 00:0c:29:12:34:56 192.168.1.113/24 public\n";

    private static string RefusalOf(string text) => Assert.Throws<LineFormatException>(() => TopologyParser.Parse(text))!.Message;

    [Test]
    public void UnknownKeyword_WithEscapeAndNul_IsEscaped()
    {
        Assert.That(RefusalOf(Public + "\u001b[2J\0 x\n"),
            Is.EqualTo("line 2: unknown keyword '\\x1b[2J\\x00' (expected interface, neighbor, route or masquerade)"));
    }

    [Test]
    public void BadMac_OfAMegabyte_IsCut()
    {
        var mac = new string('f', 1_000_000);

        Assert.That(RefusalOf(Public + $"neighbor 192.168.1.20 {mac} eth2\n"), Is.EqualTo($"line 2: bad MAC address '{new string('f', 256)}...'"));
    }

    [Test]
    public void UnknownInterface_WithAControlCharacter_IsEscaped()
    {
        Assert.That(RefusalOf(Public + "neighbor 192.168.1.20 00:0c:29:00:00:01 eth2\u009b31m\n"), Is.EqualTo("line 2: unknown interface 'eth2\\x9b31m'"));
    }

    [Test]
    public void BadAddress_WithAControlCharacter_IsEscaped()
    {
        Assert.That(RefusalOf(Public + "route default via 192.168.1.\u007f\n"), Is.EqualTo("line 2: bad gateway '192.168.1.\\x7f'"));
    }
}
