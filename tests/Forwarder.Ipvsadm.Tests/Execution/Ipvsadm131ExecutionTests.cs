using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Ipvsadm.Execution;

namespace Forwarder.Ipvsadm.Tests.Execution;

/// <summary>
/// What ipvsadm 1.31 on Linux 6.1 answers where 1.26 did otherwise; every expected text was printed by Debian 12's
/// binary in the kernel oracle (a guest with 10.1.255.254/16 and 192.168.1.1/24 on its one link).
/// </summary>
public sealed class Ipvsadm131ExecutionTests
{
    private const string Header =
        "IP Virtual Server version 1.2.1 (size=4096)\n" +
        "Prot LocalAddress:Port Scheduler Flags\n" +
        "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n";

    private static readonly IpvsadmResult Ok = new(0, "", "");

    [Test]
    public void BareCommand_ListsTheTable()
    {
        var result = new ExecutorRig().Executor.Execute([]);

        Assert.That(result, Is.EqualTo(new IpvsadmResult(0, Header, "")));
    }

    [Test]
    public void PersistenceEngineAndOnePacket_AreListedAndSaved()
    {
        var rig = new ExecutorRig();
        rig.Do("-A -t 10.0.0.1:80 -p");
        rig.Do("-A -t 10.0.0.1:82 -p 100 --pe sip");
        rig.Do("-A -t 10.0.0.1:84 --pe sip");
        rig.Do("-A -u 10.0.0.1:53 -o");
        rig.Do("-A -u 10.0.0.1:54 -o -p 20 --pe sip");
        rig.Do("-A -u 10.0.0.1:55 --ops -s sh -b sh-port");

        Assert.That(rig.Run("-Ln").StandardOutput, Is.EqualTo(Header +
            "TCP  10.0.0.1:80 wlc persistent 360\n" +
            "TCP  10.0.0.1:82 wlc persistent 100 pe sip\n" +
            "TCP  10.0.0.1:84 wlc\n" +
            "UDP  10.0.0.1:53 wlc ops\n" +
            "UDP  10.0.0.1:54 wlc persistent 20 pe sip ops\n" +
            "UDP  10.0.0.1:55 sh (sh-port) ops\n"));
        Assert.That(rig.Run("-Sn").StandardOutput, Is.EqualTo(
            "-A -t 10.0.0.1:80 -s wlc -p 360\n" +
            "-A -t 10.0.0.1:82 -s wlc -p 100 --pe sip\n" +
            "-A -t 10.0.0.1:84 -s wlc --pe sip\n" +
            "-A -u 10.0.0.1:53 -s wlc -o\n" +
            "-A -u 10.0.0.1:54 -s wlc -p 20 --pe sip -o\n" +
            "-A -u 10.0.0.1:55 -s sh -o -b sh-port\n"));
        Assert.That(rig.Run("-Ln -u 10.0.0.1:54 --tun-info").StandardOutput, Is.EqualTo(
            "Prot LocalAddress:Port Scheduler Flags\n" +
            "  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n" +
            "UDP  10.0.0.1:54 wlc persistent 20 pe sip ops\n"));
    }

    [Test]
    public void UnknownPersistenceEngine_IsNotFound()
    {
        Assert.That(new ExecutorRig().Run("-A -t 10.0.0.1:85 --pe nosuch"),
            Is.EqualTo(new IpvsadmResult(255, "", "Scheduler or persistence engine not found\n")));
    }

    [Test]
    public void SctpService_IsKeptListedAndSaved()
    {
        var rig = new ExecutorRig();
        rig.Do("-A --sctp-service 10.0.0.2:80 -s rr");
        rig.Do("-a --sctp-service 10.0.0.2:80 -r 10.1.0.1 -m");
        rig.Do("-a --sctp-service 10.0.0.2:80 -r 10.1.0.2:8080 -m");
        rig.Do("-A -t 10.0.0.2:80");

        Assert.That(rig.Run("-L").StandardOutput, Is.EqualTo(Header +
            "TCP  10.0.0.2:http wlc\n" +
            "SCTP 10.0.0.2:80 rr\n" +
            "  -> 10.1.0.1:80                  Masq    1      0          0         \n" +
            "  -> 10.1.0.2:8080                Masq    1      0          0         \n"));
        Assert.That(rig.Run("-S").StandardOutput, Is.EqualTo(
            "-A -t 10.0.0.2:http -s wlc\n" +
            "-A --sctp-service 10.0.0.2:80 -s rr\n" +
            "-a --sctp-service 10.0.0.2:80 -r 10.1.0.1:80 -m -w 1\n" +
            "-a --sctp-service 10.0.0.2:80 -r 10.1.0.2:8080 -m -w 1\n"));
        // No port names for SCTP in the built-in table (nor, but for amqp, in netbase's /etc/services).
        Assert.That(rig.Run("-A --sctp-service 10.0.0.2:http -s rr").StandardError, Is.EqualTo("illegal virtual server address[:port] specified\n"));
        Assert.That(rig.Run("-Ln -t 10.0.0.2:80 --sctp-service 10.0.0.2:80").StandardError, Is.EqualTo("multiple 'service-address' options specified\n"));
        rig.Do("-D --sctp-service 10.0.0.2:80");
    }

    [Test]
    public void TunnelInfo_ListsEachTunnel_AndSaveNamesIt()
    {
        var rig = new ExecutorRig();
        rig.Do("-A -t 10.0.0.1:80 -s rr");
        rig.Do("-a -t 10.0.0.1:80 -r 10.1.0.1 -i");
        rig.Do("-a -t 10.0.0.1:80 -r 10.1.0.11 -m");
        rig.Do("-a -t 10.0.0.1:80 -r 10.1.0.12 -g -w 3");
        // The data path cannot send gue or gre, so they are refused on the command line (below); the listing
        // still shows what the kernel would, for a table that holds them.
        var service = rig.Services.Services.Single();
        rig.Do("-a -t 10.0.0.1:80 -r 10.1.0.3 -i");
        rig.Do("-a -t 10.0.0.1:80 -r 10.1.0.5 -i");
        rig.Do("-a -t 10.0.0.1:80 -r 10.1.0.8 -i");
        SetTunnel(service, "10.1.0.3", TunnelType.Gue, 6080, TunnelChecksum.None);
        SetTunnel(service, "10.1.0.5", TunnelType.Gue, 6081, TunnelChecksum.RemoteChecksum);
        SetTunnel(service, "10.1.0.8", TunnelType.Gre, 0, TunnelChecksum.Checksum);

        Assert.That(rig.Run("-L --tun-info").StandardOutput, Is.EqualTo(
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port Scheduler Flags\n" +
            "  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n" +
            "TCP  10.0.0.1:http rr\n" +
            "  -> 10.1.0.1:http                Tunnel  ipip          1      0          0         \n" +
            "  -> 10.1.0.3:http                Tunnel  gue:6080:-c   1      0          0         \n" +
            "  -> 10.1.0.5:http                Tunnel  gue:6081:r+c  1      0          0         \n" +
            "  -> 10.1.0.8:http                Tunnel  gre:+c        1      0          0         \n" +
            "  -> 10.1.0.11:http               Masq    n/a           1      0          0         \n" +
            "  -> 10.1.0.12:http               Route   n/a           3      0          0         \n"));
        Assert.That(rig.Run("-Sn").StandardOutput, Is.EqualTo(
            "-A -t 10.0.0.1:80 -s rr\n" +
            "-a -t 10.0.0.1:80 -r 10.1.0.1:80 -i -w 1 --tun-type ipip\n" +
            "-a -t 10.0.0.1:80 -r 10.1.0.3:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-nocsum\n" +
            "-a -t 10.0.0.1:80 -r 10.1.0.5:80 -i -w 1 --tun-type gue --tun-port 6081 --tun-remcsum\n" +
            "-a -t 10.0.0.1:80 -r 10.1.0.8:80 -i -w 1 --tun-type gre --tun-csum\n" +
            "-a -t 10.0.0.1:80 -r 10.1.0.11:80 -m -w 1\n" +
            "-a -t 10.0.0.1:80 -r 10.1.0.12:80 -g -w 3\n"));
        // --tun-info gives way to the other views, as print_title orders them.
        Assert.That(rig.Run("-Ln --tun-info --thresholds").StandardOutput, Does.Contain("Uthreshold Lthreshold"));
    }

    [TestCase("-a -t 10.0.0.1:80 -r 10.1.0.6 -i --tun-type gue --tun-port 6080")]
    [TestCase("-a -t 10.0.0.1:80 -r 10.1.0.6 -i --tun-type gre --tun-csum")]
    [TestCase("-e -t 10.0.0.1:80 -r 10.1.0.1 -i --tun-type gre")]
    public void GueAndGre_AreRefusedAtApplyTime_ChangingNothing(string line)
    {
        var rig = new ExecutorRig();
        rig.Do("-A -t 10.0.0.1:80 -s rr");
        rig.Do("-a -t 10.0.0.1:80 -r 10.1.0.1 -i");
        var before = rig.Snapshot();

        Assert.That(rig.Run(line), Is.EqualTo(new IpvsadmResult(255, "",
            "Operation not supported: this director encapsulates tunnels as ipip only\n")));
        Assert.That(rig.Snapshot(), Is.EqualTo(before));
    }

    [TestCase("0.0.0.0")]
    [TestCase("255.255.255.255")]
    [TestCase("224.0.0.1")]
    [TestCase("239.1.1.1")]
    [TestCase("10.1.255.255")]
    [TestCase("192.168.1.255")]
    public void NonUnicastRealServer_IsEinval(string address)
    {
        var rig = BroadcastAware();

        Assert.That(rig.Run($"-a -t 10.0.0.4:80 -r {address}"), Is.EqualTo(new IpvsadmResult(255, "",
            "Invalid operation.  Possibly wrong module version, address not unicast, ...\n")));
    }

    [TestCase("127.0.0.1")]
    [TestCase("10.1.0.0")]
    [TestCase("10.1.255.254")]
    [TestCase("192.168.2.255")]
    [TestCase("240.0.0.1")]
    [TestCase("0.1.2.3")]
    public void LocalOrUnicastRealServer_IsTaken_AndListedByItsMethod(string address)
    {
        var rig = BroadcastAware();

        rig.Do($"-a -t 10.0.0.4:80 -r {address}");
        // Linux 6.1 lists a local real server as Route (or Masq), never "Local".
        Assert.That(rig.Run("-Ln").StandardOutput, Does.Contain($"  -> {address + ":80",-28} Route   1 "));
    }

    [Test]
    public void NatServerOnAnotherPort_IsFoundByEditAndDelete()
    {
        var rig = new ExecutorRig();
        rig.Do("-A -t 10.0.0.5:80");
        rig.Do("-a -t 10.0.0.5:80 -r 10.1.0.1:8080 -m");
        rig.Do("-e -t 10.0.0.5:80 -r 10.1.0.1:8080 -m -w 3");

        // Without -m, -e means direct routing, whose port is the service's: no such destination.
        Assert.That(rig.Run("-e -t 10.0.0.5:80 -r 10.1.0.1:8080 -w 4"), Is.EqualTo(new IpvsadmResult(255, "", "No such destination\n")));
        Assert.That(rig.Run("-Ln").StandardOutput, Does.Contain("  -> 10.1.0.1:8080                Masq    3      0          0         \n"));
        Assert.That(rig.Run("-d -t 10.0.0.5:80 -r 10.1.0.1:80"), Is.EqualTo(new IpvsadmResult(255, "", "No such destination\n")));
        rig.Do("-d -t 10.0.0.5:80 -r 10.1.0.1:8080");
        Assert.That(rig.Run("-Ln").StandardOutput, Is.EqualTo(Header + "TCP  10.0.0.5:80 wlc\n"));
    }

    [Test]
    public void LargeWeight_FillsItsColumn()
    {
        var rig = new ExecutorRig();
        rig.Do("-A -t 10.0.0.3:80");
        rig.Do("-a -t 10.0.0.3:80 -r 10.1.0.3 -w 2147483647");

        Assert.That(rig.Run("-Ln").StandardOutput, Does.EndWith("  -> 10.1.0.3:80                  Route   2147483647 0          0         \n"));
        Assert.That(rig.Run("-Sn").StandardOutput, Does.EndWith("-a -t 10.0.0.3:80 -r 10.1.0.3:80 -g -w 2147483647\n"));
    }

    [Test]
    public void Daemons_StartIsRefused_StopFindsNone_ListShowsNothing()
    {
        var rig = new ExecutorRig();

        Assert.That(rig.Run("--start-daemon master --mcast-interface eth0"), Is.EqualTo(new IpvsadmResult(255, "",
            "Operation not supported: no connection sync daemon can run here (replay, a rules file, -R)\n")));
        Assert.That(rig.Run("--stop-daemon master"), Is.EqualTo(new IpvsadmResult(255, "", "No daemon is running\n")));
        Assert.That(rig.Run("--stop-daemon backup --syncid 3"), Is.EqualTo(new IpvsadmResult(255, "", "No daemon is running\n")));
        Assert.That(rig.Run("-L --daemon"), Is.EqualTo(Ok));
    }

    [TestCase("-A -t 192.168.1:80", "-A -t 192.168.0.1:80 -s wlc\n")]
    [TestCase("-A -t 10.1.0:80", "-A -t 10.1.0.0:80 -s wlc\n")]
    [TestCase("-A -t 0x0a000001:80", "-A -t 10.0.0.1:80 -s wlc\n")]
    [TestCase("-A -t 012.1:80", "-A -t 10.0.0.1:80 -s wlc\n")]
    [TestCase("-A -t 10:80", "-A -t 0.0.0.10:80 -s wlc\n")]
    [TestCase("-A -t 4294967295:82", "-A -t 255.255.255.255:82 -s wlc\n")]
    public void Addresses_AreReadAsInetAtonReadsThem(string line, string saved)
    {
        var rig = new ExecutorRig();
        rig.Do(line);

        Assert.That(rig.Run("-Sn").StandardOutput, Is.EqualTo(saved));
    }

    [TestCase("-A -t 1.2.3.4.:80", "illegal virtual server address[:port] specified\n", 2)]
    [TestCase("-A -t 1..2:80", "illegal virtual server address[:port] specified\n", 2)]
    [TestCase("-A -t 0x:81", "illegal virtual server address[:port] specified\n", 2)]
    [TestCase("-A -t 4294967296:83", "illegal virtual server address[:port] specified\n", 2)]
    [TestCase("-A -t 1.16777216:84", "illegal virtual server address[:port] specified\n", 2)]
    [TestCase("-A -t 08.1.1.1:85", "illegal virtual server address[:port] specified\n", 2)]
    [TestCase("--set -1 0 0", "-1: unknown option\n", 255)]
    [TestCase("-A -t 10.0.0.1:80 -p -1", "-1: unknown option\n", 255)]
    [TestCase("-A -t 10.0.0.1:80 -6", "-6 used before -f\n\n", 2)]
    [TestCase("-A -tcp-service 10.0.0.1:80", "illegal virtual server address[:port] specified\n", 2)]
    [TestCase("-Lnx", "-Lnx: missing argument\n", 255)]
    public void PoptReadings_AreIpvsadms(string line, string error, int exitCode)
    {
        Assert.That(new ExecutorRig().Run(line), Is.EqualTo(new IpvsadmResult(exitCode, "", error)));
    }

    [Test]
    public void ShortOptionValue_MayFollowAnEqualsSign()
    {
        var rig = new ExecutorRig();
        rig.Do("-A --tcp-service 10.0.0.1:80 --scheduler=wrr -p=50");

        Assert.That(rig.Run("-Sn").StandardOutput, Is.EqualTo("-A -t 10.0.0.1:80 -s wrr -p 50\n"));
    }

    private static ExecutorRig BroadcastAware()
    {
        var rig = new ExecutorRig();
        var broadcasts = new[] { Ipv4Address.Parse("10.1.255.255").Value, Ipv4Address.Parse("192.168.1.255").Value };
        rig.Services.IsBroadcastAddress = broadcasts.Contains;
        rig.Do("-A -t 10.0.0.4:80");
        return rig;
    }

    private static void SetTunnel(VirtualService service, string address, TunnelType type, ushort port, TunnelChecksum checksum)
    {
        var destination = service.FindDestination(Ipv4Address.Parse(address), 80)!;
        destination.TunnelType = type;
        destination.TunnelPort = port;
        destination.TunnelChecksum = checksum;
    }
}
