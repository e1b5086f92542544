using Forwarder.Ipvsadm.Grammar;

namespace Forwarder.Ipvsadm.Tests.Grammar;

/// <summary>--start-daemon, --stop-daemon and the daemon options as ipvsadm 1.31 reads them (checked on the real binary).</summary>
public sealed class SyncDaemonOptionTests
{
    [Test]
    public void StartDaemon_TakesItsStateAndOptions()
    {
        var command = GrammarRig.Parse(
            "--start-daemon master --mcast-interface v0 --syncid 3 --sync-maxlen 1000 --mcast-group 224.0.0.90 --mcast-port 9000 --mcast-ttl 2");

        Assert.That(command.Kind, Is.EqualTo(IpvsadmCommandKind.StartDaemon));
        Assert.That(command.Daemon, Is.EqualTo(new SyncDaemonRequest(true, "v0", 3, 1000, "224.0.0.90", 9000, 2)));
    }

    [TestCase("--stop-daemon backup")]
    [TestCase("--stop-daemon=backup")]
    public void StopDaemon_TakesItsState(string line)
    {
        var command = GrammarRig.Parse(line);

        Assert.That((command.Kind, command.Daemon!.Master), Is.EqualTo((IpvsadmCommandKind.StopDaemon, false)));
    }

    [TestCase("--start-daemon bogus", "illegal start-daemon parameter specified", 2)]
    [TestCase("--stop-daemon bogus", "illegal start_daemon specified", 2)]
    [TestCase("--start-daemon", "Try `ipvsadm -h' or 'ipvsadm --help' for more information.", 255)]
    [TestCase("--stop-daemon", "Try `ipvsadm -h' or 'ipvsadm --help' for more information.", 255)]
    [TestCase("--start-daemon master --syncid 256", "illegal syncid specified", 2)]
    [TestCase("--start-daemon master --syncid abc", "illegal syncid specified", 2)]
    [TestCase("--start-daemon master --sync-maxlen 0", "illegal sync-maxlen specified", 2)]
    [TestCase("--start-daemon master --sync-maxlen 65508", "illegal sync-maxlen specified", 2)]
    [TestCase("--start-daemon master --mcast-port 0", "illegal mcast-port specified", 2)]
    [TestCase("--start-daemon master --mcast-port 65536", "illegal mcast-port specified", 2)]
    [TestCase("--start-daemon master --mcast-ttl 0", "illegal mcast-ttl specified", 2)]
    [TestCase("--start-daemon master --mcast-ttl 256", "illegal mcast-ttl specified", 2)]
    [TestCase("--start-daemon master --mcast-group 10.0.0.1", "invalid IPv4 mcast-group `10.0.0.1'", 2)]
    [TestCase("--start-daemon master --mcast-group 224.0.0.300", "invalid IPv4 mcast-group `224.0.0.300'", 2)]
    [TestCase("--start-daemon master --mcast-group 1::1", "invalid IPv6 mcast-group `1::1'", 2)]
    [TestCase("--start-daemon master -n", "Illegal 'numeric' option with the 'start-daemon' command", 2)]
    [TestCase("--start-daemon master -t 10.0.0.1:80", "Illegal 'service-address' option with the 'start-daemon' command", 2)]
    [TestCase("--stop-daemon master --mcast-interface v0", "Illegal 'mcast-interface' option with the 'stop-daemon' command", 2)]
    [TestCase("-L --daemon --timeout", "The option 'daemon' conflicts with the 'timeout' option in the 'list' command", 2)]
    [TestCase("-L --daemon --stats", "options conflicts in the list command", 2)]
    public void BadDaemonLines_AreRefusedInIpvsadmsWords(string line, string message, int exitCode)
    {
        var refusal = GrammarRig.Refusal(line);

        Assert.That((refusal.Message, refusal.ExitCode), Is.EqualTo((message, exitCode)));
    }

    [Test]
    public void Ipv6Group_IsAccepted()
    {
        Assert.That(GrammarRig.Parse("--start-daemon backup --mcast-group ff02::1").Daemon!.McastGroup, Is.EqualTo("ff02::1"));
    }
}
