using Forwarder.Ipvsadm.Grammar;

namespace Forwarder.Ipvsadm.Tests.Grammar;

/// <summary>
/// ipvsadm repeats a refused word with %s, raw. We repeat it as <see cref="Core.EchoedText"/> shows it: control
/// characters as \xHH, and no more than 256 characters of it, "..." marking the cut. The words are ipvsadm's.
/// </summary>
public sealed class EchoedWordTests
{
    private const string Esc = "\u001b";
    private static readonly string Long = new('9', 1_000_000);
    private static readonly string Cut = new string('9', 256) + "...";

    private static string RefusalOf(params string[] words) =>
        Assert.Throws<IpvsadmUsageException>(() => GrammarRig.Parser.Parse(words))!.Message;

    [Test]
    public void UnexpectedArgument_EscapesControlsAndCutsALongWord()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RefusalOf("-A", "-t", "10.0.0.1:80", Esc + "[2J\0"), Is.EqualTo("unexpected argument \\x1b[2J\\x00"));
            Assert.That(RefusalOf("-A", "-t", "10.0.0.1:80", Long), Is.EqualTo("unexpected argument " + Cut));
        });
    }

    [Test]
    public void UnknownLongOption_IsEscaped()
    {
        Assert.That(RefusalOf("-A", "-t", "10.0.0.1:80", "--bogus" + Esc + "]0;owned\u0007"), Is.EqualTo("--bogus\\x1b]0;owned\\x07: unknown option"));
    }

    [Test]
    public void UnknownLongOption_IsCut()
    {
        Assert.That(RefusalOf("-A", "-t", "10.0.0.1:80", "--" + Long), Is.EqualTo("--" + new string('9', 254) + "...: unknown option"));
    }

    [Test]
    public void CommandOptionLaterOn_IsEscaped()
    {
        Assert.That(RefusalOf("-A", "-t", "10.0.0.1:80", "-L" + Esc), Is.EqualTo("invalid option `-L\\x1b'"));
    }

    [Test]
    public void NumberLikeOption_IsEscapedAndCut()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RefusalOf("-A", "-t", "10.0.0.1:80", "-1" + Esc), Is.EqualTo("-1\\x1b: unknown option"));
            Assert.That(RefusalOf("-A", "-t", "10.0.0.1:80", "-" + Long), Is.EqualTo("-" + new string('9', 255) + "...: unknown option"));
        });
    }

    [Test]
    public void MissingArgument_CutsALongBundle()
    {
        var bundle = "-" + new string('n', 100_000) + "t";

        Assert.That(RefusalOf("-L", bundle), Is.EqualTo("-" + new string('n', 255) + "...: missing argument"));
    }

    [Test]
    public void BadTimeout_IsEscapedAndCut()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RefusalOf("--set", "1", "2", Esc + "c"), Is.EqualTo("invalid timeout value `\\x1bc' specified"));
            Assert.That(RefusalOf("-A", "-t", "10.0.0.1:80", "-p", "x" + Long), Is.EqualTo("invalid timeout value `x" + new string('9', 255) + "...' specified"));
        });
    }

    [Test]
    public void BadFwmark_IsEscaped()
    {
        Assert.That(RefusalOf("-A", "-f", "1" + Esc), Is.EqualTo("invalid fwmark value `1\\x1b' specified"));
    }

    [Test]
    public void BadMcastGroup_IsEscaped()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RefusalOf("--start-daemon", "master", "--mcast-group", "224.0.0." + Esc), Is.EqualTo("invalid IPv4 mcast-group `224.0.0.\\x1b'"));
            Assert.That(RefusalOf("--start-daemon", "master", "--mcast-group", "ff02::" + Esc), Is.EqualTo("invalid IPv6 mcast-group `ff02::\\x1b'"));
        });
    }

    [Test]
    public void BadSchedulerFlag_IsEscaped()
    {
        Assert.That(RefusalOf("-A", "-t", "10.0.0.1:80", "-s", "sh", "-b", "sh-port," + Esc + "[5m"), Is.EqualTo("invalid scheduler flag `\\x1b[5m'"));
    }

    [Test]
    public void PrintableWords_AreRepeatedAsIpvsadmRepeatsThem()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RefusalOf("-A", "-t", "10.0.0.1:80", "stray\\x1b"), Is.EqualTo("unexpected argument stray\\x1b"));
            Assert.That(RefusalOf("-A", "-t", "10.0.0.1:80", new string('9', 256)), Is.EqualTo("unexpected argument " + new string('9', 256)));
            Assert.That(RefusalOf("--set", "1", "2", "later"), Is.EqualTo("invalid timeout value `later' specified"));
        });
    }
}
