using Forwarder.Core.Frames;
using Forwarder.Ipvsadm.Execution;
using Forwarder.Ipvsadm.Grammar;
using Forwarder.Ipvsadm.Naming;

namespace Forwarder.Ipvsadm.Tests.Execution;

/// <summary>
/// -R's quick reading of the common lines gives exactly what the full grammar gives, command for command and
/// refusal for refusal; it takes the shapes ipvsadm -S writes, and leaves everything else to the grammar.
/// </summary>
public sealed class RestoreLineParserTests
{
    private static readonly IpvsadmParser Grammar = new(ServiceNames.BuiltIn, new HostNames([("web1", Ipv4Address.Parse("10.0.1.1"))]));
    private static readonly RestoreLineParser Lines = new(Grammar);

    /// <summary>Lines ipvsadm -S writes, and small variations of them: all read the quick way.</summary>
    private static readonly string[] CommonLines =
    [
        "-A -t 192.168.1.113:80 -s rr",
        "-A -t 192.168.1.113:http -s wlc",
        "-A -u 192.168.1.113:53 -s sh -b sh-port",
        "-A -t 10.0.0.1:443 -s wrr -p 360",
        "-A -t 10.0.0.1:443 -p -s wrr",
        "-A -t 10.0.0.1:443 -s rr -p",
        "-A -t 10.0.0.1:0 -s rr -p 60",
        "-A -t 10.0.0.1:443 -p 2678400",
        "-A -s mh -t 10.0.0.1:443 -b mh-fallback,mh-port",
        "-A -t 10.0.0.1:80",
        "-A -t 10.0.0.1:80 -s nosuch",
        "-A -t web1:80 -s rr",
        "-A -t 10.0.0.1 -s rr -p 10",
        "-a -t 192.168.1.113:80 -r 192.168.139.129:80 -m -w 1",
        "-a -t 192.168.1.113:80 -r 192.168.139.129:8080 -m -w 0",
        "-a -t 192.168.1.113:80 -r 192.168.139.129:8080 -g -w 3",
        "-a -t 192.168.1.113:80 -r 192.168.139.129:8080 -i -w 3",
        "-a -t 192.168.1.113:80 -r 192.168.139.129 -m",
        "-a -t 192.168.1.113:80 -r 192.168.139.129:http -m -x 100 -y 50",
        "-a -u 192.168.1.113:53 -r 192.168.139.131 -g",
        "-a -t 192.168.1.113:80 -w 2 -r 192.168.139.131:81 -m",
        "-a -t 192.168.1.113:80 -r web1:81 -m -w 2147483647",
        "-a -t 192.168.1.113:80 -r 10.0.0.255 -m",
        "-a -t 192.168.1.113:80 -r 10.0.1.1:80 -m -x 10 -y 20",
    ];

    /// <summary>Lines the quick reading declines: the grammar reads them, or refuses them in its own words.</summary>
    private static readonly string[] UnusualLines =
    [
        "-A -t 192.168.1.300:80 -s rr",
        "-A -t 10.0.0.1:80 -s rr -s wrr",
        "-A -t 10.0.0.1:80 -t 10.0.0.2:80",
        "-A -t 10.0.0.1:80 -u 10.0.0.2:80",
        "-A -t 10.0.0.1:0 -s rr",
        "-A -t 10.0.0.1:80 -s rr -p 0",
        "-A -t 10.0.0.1:80 -s rr -p 2678401",
        "-A -t 10.0.0.1:80 -s rr -p +5",
        "-A -t 10.0.0.1:80 -s rr -p abc",
        "-A -t 10.0.0.1:80 -s rr -b nonsense",
        "-A -t 10.0.0.1:80 -s rr -M 255.255.255.0 -p",
        "-A -u 10.0.0.1:80 -s rr -o",
        "-A -t 10.0.0.1:80 -s rr --pe sip -p",
        "-A -t 10.0.0.1:80 -s",
        "-A -t 10.0.0.1:80 -s rr extra",
        "-A -t 10.0.0.1:80 -r 10.0.0.2",
        "-A -s rr",
        "-A -t 80 -s rr",
        "-A --tcp-service 10.0.0.1:80 -s rr",
        "-A -f 1 -s rr",
        "-A -t 10.0.0.1:80 -s rr -L",
        "-a -r 10.0.1.1 -t 10.0.0.1:80 -m",
        "-a -t 10.0.0.1:80 -m",
        "-a -t 10.0.0.1:80 -r 10.0.1.1 -m -g",
        "-a -t 10.0.0.1:80 -r 10.0.1.1 -m -w -1",
        "-a -t 10.0.0.1:80 -r 10.0.1.1 -m -w +1",
        "-a -t 10.0.0.1:80 -r 10.0.1.1 -m -w 2147483648",
        "-a -t 10.0.0.1:80 -r 10.0.1.1 -m -w 99999999999",
        "-a -t 10.0.0.1:80 -r 10.0.1.1 -m -w 5 -w 6",
        "-a -t 10.0.0.1:80 -r 10.0.1.1 -m -x",
        "-a -t 10.0.0.1:80 -r 10.0.1.1:nosuchport -m",
        "-a -t 10.0.0.1:80 -r 10.0.1.1 -i --tun-type gue --tun-port 6080",
        "-a -t 10.0.0.1:80 -r 10.0.1.1 -m --tun-type ipip",
        "-a -t 10.0.0.1:80 -r 10.0.1.1 -m -s rr",
        "-a -t 10.0.0.1:80 -r 10.0.1.1 -m -p",
        "-a -t 10.0.0.1:80 -r 10.0.1.1 -mw 3",
        "-a -t 10.0.0.1:80 -r 10.0.1.1 -m -w=3",
        "-a -t=10.0.0.1:80 -r 10.0.1.1 -m",
        "-a -t 10.0.0.1:80 -r 300.0.0.1 -m",
        "-e -t 10.0.0.1:80 -r 10.0.1.1 -m -w 3",
        "-d -t 10.0.0.1:80 -r 10.0.1.1",
        "-D -t 10.0.0.1:80",
        "-E -t 10.0.0.1:80 -s rr",
        "-C",
        "-Z",
        "--set 10 20 30",
        "--add-service -t 10.0.0.1:80 -s rr",
        "-Ln",
    ];

    /// <summary>Lines either reading may take: whichever does, the outcome is the grammar's.</summary>
    private static readonly string[] EitherLines =
    [
        "-A -t 10.0.0.1:80 -s rr -b sh-port",
        "-A -t 10.0.0.1:80 -s sh -b flag-1",
        "-a -u 10.0.0.1:53 -r 10.0.1.1:domain -m",
        "-a -t 10.0.0.1:80 -r 10.0.1.1:65536 -m",
        "-a -t 10.0.0.1:80 -r 10.0.1.1: -m",
        "-a -t 10.0.0.1:80 -r 10.0.1 -m -w 007",
        "-A -t 0x0a000001:80 -s rr",
    ];

    [TestCaseSource(nameof(CommonLines))]
    public void CommonLine_IsReadTheQuickWay_AsTheGrammarReadsIt(string line)
    {
        var words = Words(line);

        var quick = Lines.TryParseCommon(words);

        Assert.That(quick, Is.Not.Null, "the quick reading takes this shape");
        Assert.That(quick, Is.EqualTo(Grammar.Parse(words)));
    }

    [TestCaseSource(nameof(UnusualLines))]
    public void UnusualLine_IsLeftToTheGrammar_AndReadsAsItDoes(string line)
    {
        var words = Words(line);

        Assert.That(Lines.TryParseCommon(words), Is.Null, "the quick reading declines");
        AssertSameAsGrammar(words);
    }

    [TestCaseSource(nameof(CommonLines))]
    [TestCaseSource(nameof(UnusualLines))]
    [TestCaseSource(nameof(EitherLines))]
    public void AnyLine_ReadsOrIsRefusedExactlyAsTheGrammarDoes(string line) => AssertSameAsGrammar(Words(line));

    private static void AssertSameAsGrammar(string[] words)
    {
        IpvsadmCommand? expected = null;
        IpvsadmUsageException? expectedRefusal = null;
        try
        {
            expected = Grammar.Parse(words);
        }
        catch (IpvsadmUsageException refusal)
        {
            expectedRefusal = refusal;
        }

        if (expectedRefusal is null)
        {
            Assert.That(Lines.Parse(words), Is.EqualTo(expected));
            return;
        }
        var actual = Assert.Throws<IpvsadmUsageException>(() => Lines.Parse(words))!;
        Assert.That((actual.Message, actual.ExitCode), Is.EqualTo((expectedRefusal.Message, expectedRefusal.ExitCode)));
    }

    private static string[] Words(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
