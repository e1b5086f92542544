using Forwarder.Core.Connections;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Ipvsadm.Execution;

namespace Forwarder.Ipvsadm.Tests.Execution;

/// <summary>
/// IPv6 services and real servers as ipvsadm 1.31 on Linux 6.1 takes and shows them: every expected text below is
/// what the real kernel printed for the same commands (asked through the kernel oracle's VM).
/// </summary>
public sealed class Ipv6ExecutionTests
{
    private static ExecutorRig Example()
    {
        var rig = new ExecutorRig();
        rig.Do("-A -t [2001:db8::113]:80 -s rr");
        rig.Do("-a -t [2001:db8::113]:80 -r [2001:db8:139::129]:80 -m");
        rig.Do("-a -t [2001:db8::113]:80 -r [2001:db8:139::12a]:8080 -g -w 3");
        rig.Do("-a -t [2001:db8::113]:80 -r [2001:db8:139:0:0:0:0:1]:80 -i");
        rig.Do("-a -t [2001:db8::113]:80 -r 2001:db8:139::130 -m");
        rig.Do("-A -u [2001:db8::113]:53 -s sh");
        rig.Do("-A -t [2001:db8::1]:443 -s wlc -p 300");
        rig.Do("-A -t [2001:db8::2]:443 -s wlc -p 300 -M 64");
        rig.Do("-A -t 192.168.1.1:80 -s rr");
        rig.Do("-a -t 192.168.1.1:80 -r [2001:db8:139::5]:80 -i");
        rig.Do("-A -t [::]:80");
        rig.Do("-A -t [fe80::1]:80");
        rig.Do("-A -t [2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]:80");
        rig.Do("-A -t [2001:0:0:1:0:0:0:1]:80");
        return rig;
    }

    [Test]
    public void Ln_BracketsIpv6_AndSortsIpv4First_ThenByTheKernelsWordDifferences()
    {
        // [fe80::1] before [::] and ffff... before ::1: libipvs subtracts 32-bit words as signed ints.
        Assert.That(Example().Run("-Ln").StandardOutput, Is.EqualTo(
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port Scheduler Flags\n" +
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n" +
            "TCP  192.168.1.1:80 rr\n" +
            "  -> [2001:db8:139::5]:80         Tunnel  1      0          0         \n" +
            "TCP  [fe80::1]:80 wlc\n" +
            "TCP  [::]:80 wlc\n" +
            "TCP  [2001:0:0:1::1]:80 wlc\n" +
            "TCP  [2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]:80 wlc\n" +
            "TCP  [2001:db8::1]:443 wlc persistent 300\n" +
            "TCP  [2001:db8::2]:443 wlc persistent 300 mask 64\n" +
            "TCP  [2001:db8::113]:80 rr\n" +
            "  -> [2001:db8:139::1]:80         Tunnel  1      0          0         \n" +
            "  -> [2001:db8:139::129]:80       Masq    1      0          0         \n" +
            "  -> [2001:db8:139::12a]:80       Route   3      0          0         \n" +
            "  -> [2001:db8:139::130]:80       Masq    1      0          0         \n" +
            "UDP  [2001:db8::113]:53 sh\n"));
    }

    [Test]
    public void Sn_WritesBracketedAddresses_AndThePrefixLengthAsMask()
    {
        Assert.That(Example().Run("-Sn").StandardOutput, Is.EqualTo(
            "-A -t 192.168.1.1:80 -s rr\n" +
            "-a -t 192.168.1.1:80 -r [2001:db8:139::5]:80 -i -w 1 --tun-type ipip\n" +
            "-A -t [fe80::1]:80 -s wlc\n" +
            "-A -t [::]:80 -s wlc\n" +
            "-A -t [2001:0:0:1::1]:80 -s wlc\n" +
            "-A -t [2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]:80 -s wlc\n" +
            "-A -t [2001:db8::1]:443 -s wlc -p 300\n" +
            "-A -t [2001:db8::2]:443 -s wlc -p 300 -M 64\n" +
            "-A -t [2001:db8::113]:80 -s rr\n" +
            "-a -t [2001:db8::113]:80 -r [2001:db8:139::1]:80 -i -w 1 --tun-type ipip\n" +
            "-a -t [2001:db8::113]:80 -r [2001:db8:139::129]:80 -m -w 1\n" +
            "-a -t [2001:db8::113]:80 -r [2001:db8:139::12a]:80 -g -w 3\n" +
            "-a -t [2001:db8::113]:80 -r [2001:db8:139::130]:80 -m -w 1\n" +
            "-A -u [2001:db8::113]:53 -s sh\n"));
    }

    [Test]
    public void Stats_LongIpv6Name_PushesTheNumbersRight()
    {
        var rig = new ExecutorRig();
        rig.Do("-A -t [2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]:80");
        rig.Do("-A -t [2001:db8::113]:80 -s rr");
        rig.Do("-a -t [2001:db8::113]:80 -r [2001:db8:139::129]:80 -m");
        Assert.That(rig.Run("-Ln --stats").StandardOutput, Is.EqualTo(
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n" +
            "  -> RemoteAddress:Port\n" +
            "TCP  [2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]:80        0        0        0        0        0\n" +
            "TCP  [2001:db8::113]:80                  0        0        0        0        0\n" +
            "  -> [2001:db8:139::129]:80              0        0        0        0        0\n"));
    }

    [Test]
    public void OneService_ListsAlone_AndAMissingOneIsNoSuchService()
    {
        var rig = Example();
        Assert.Multiple(() =>
        {
            Assert.That(rig.Run("-Ln -t [2001:db8::113]:80").StandardOutput, Is.EqualTo(
                "Prot LocalAddress:Port Scheduler Flags\n" +
                "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n" +
                "TCP  [2001:db8::113]:80 rr\n" +
                "  -> [2001:db8:139::1]:80         Tunnel  1      0          0         \n" +
                "  -> [2001:db8:139::129]:80       Masq    1      0          0         \n" +
                "  -> [2001:db8:139::12a]:80       Route   3      0          0         \n" +
                "  -> [2001:db8:139::130]:80       Masq    1      0          0         \n"));
            Assert.That(rig.Run("-Ln -t [2001:db8::114]:80"), Is.EqualTo(new IpvsadmResult(1, "", "No such service\n")));
        });
    }

    [Test]
    public void Edits_AndDeletes_FindIpv6ServersByAddressAndPort()
    {
        var rig = Example();
        Assert.Multiple(() =>
        {
            Assert.That(rig.Run("-e -t [2001:db8::113]:80 -r [2001:db8:139::129]:80 -g -w 5").ExitCode, Is.EqualTo(0));
            // -g took the service's port: the server is :80, not :8080.
            Assert.That(rig.Run("-d -t [2001:db8::113]:80 -r [2001:db8:139::12a]:8080"), Is.EqualTo(new IpvsadmResult(255, "", "No such destination\n")));
            Assert.That(rig.Run("-A -t [2001:db8::113]:80 -s rr"), Is.EqualTo(new IpvsadmResult(255, "", "Service already exists\n")));
            Assert.That(rig.Run("-D -t [2001:db8::113]:81"), Is.EqualTo(new IpvsadmResult(255, "", "No such service\n")));
            Assert.That(rig.Run("-Ln -t [2001:db8::113]:80").StandardOutput, Does.Contain(
                "  -> [2001:db8:139::129]:80       Route   5      0          0         \n"));
        });
    }

    [TestCase("-A -t [2001:db8::113]", "illegal virtual server address[:port] specified")]
    [TestCase("-A -t [2001:db8::113:80", "illegal virtual server address[:port] specified")]
    [TestCase("-A -t [2001:db8::113]80", "illegal virtual server address[:port] specified")]
    [TestCase("-A -t [2001:db8::113]:", "illegal virtual server address[:port] specified")]
    [TestCase("-A -t [2001:db8::113]:99999", "illegal virtual server address[:port] specified")]
    [TestCase("-A -t [2001:db8:::113]:80", "illegal virtual server address[:port] specified")]
    [TestCase("-A -t [2001:db8::113::1]:80", "illegal virtual server address[:port] specified")]
    [TestCase("-A -t [12345::1]:80", "illegal virtual server address[:port] specified")]
    [TestCase("-A -t [g::1]:80", "illegal virtual server address[:port] specified")]
    [TestCase("-A -t []:80", "illegal virtual server address[:port] specified")]
    [TestCase("-A -t [1:2:3:4:5:6:7:8:9]:80", "illegal virtual server address[:port] specified")]
    [TestCase("-A -t [fe80::1%eth0]:80", "illegal virtual server address[:port] specified")]
    [TestCase("-A -t 2001:db8::113:80", "Zero port specified for non-persistent service")]
    [TestCase("-A -t [2001:db8::113]:0 -s rr", "Zero port specified for non-persistent service")]
    [TestCase("-A -t [2001:db8::5]:80 -p 10 -M 129", "illegal ipv6 netmask specified")]
    [TestCase("-A -t [2001:db8::5]:80 -p 10 -M 255.255.255.0", "illegal ipv6 netmask specified")]
    [TestCase("-A -t [2001:db8::6]:80 -p 10 -M 0", "illegal ipv6 netmask specified")]
    [TestCase("-a -t [2001:db8::113]:80 -r [2001:db8:139::129] -m", "illegal real server address[:port] specified")]
    public void MalformedIpv6_IsRefusedInIpvsadmsWords(string command, string message)
    {
        Assert.That(Example().Run(command), Is.EqualTo(new IpvsadmResult(2, "", message + "\n")));
    }

    [Test]
    public void MixedFamilies_AreForTunnelsOnly()
    {
        var rig = Example();
        Assert.Multiple(() =>
        {
            Assert.That(rig.Run("-a -t [2001:db8::113]:80 -r 192.168.139.3:80 -m"),
                Is.EqualTo(new IpvsadmResult(2, "", "Different address family is allowed only for tunneling servers\n")));
            Assert.That(rig.Run("-a -t 192.168.1.1:80 -r [2001:db8:139::6]:80 -g"),
                Is.EqualTo(new IpvsadmResult(2, "", "Different address family is allowed only for tunneling servers\n")));
        });
    }

    [TestCase("[fe80::5]:80")]
    [TestCase("[ff02::5]:80")]
    [TestCase("[::]:80")]
    public void NonUnicastIpv6Server_IsRefusedAsTheKernelDoes(string server)
    {
        Assert.That(Example().Run($"-a -t [2001:db8::113]:80 -r {server} -m"),
            Is.EqualTo(new IpvsadmResult(255, "", "Invalid operation.  Possibly wrong module version, address not unicast, ...\n")));
    }

    [Test]
    public void PortName_WorksInBrackets_AndNamesListWithoutN()
    {
        var rig = new ExecutorRig();
        rig.Do("-A -t [2001:db8::113]:80 -s rr");
        rig.Do("-a -t [2001:db8::113]:80 -r [2001:db8:139::131]:http -m");
        Assert.That(rig.Run("-Sn").StandardOutput, Is.EqualTo(
            "-A -t [2001:db8::113]:80 -s rr\n" +
            "-a -t [2001:db8::113]:80 -r [2001:db8:139::131]:80 -m -w 1\n"));
    }

    [Test]
    public void Ipv4MappedAddress_IsRefusedWithAReason()
    {
        var result = new ExecutorRig().Run("-A -t [::ffff:1.2.3.4]:80");
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2));
            Assert.That(result.StandardError, Does.Contain("IPv4-mapped IPv6 address `::ffff:1.2.3.4' is not supported"));
        });
    }

    /// <summary>What Linux 6.1 answered for the same commands (tests/Forwarder.Conformance/Cases/sessions/ipv4-mapped.scenario).</summary>
    [TestCase("-a -t [2001:db8::1]:80 -r [::ffff:192.168.139.2]:80 -m", 255, "Invalid operation.  Possibly wrong module version, address not unicast, ...\n")]
    [TestCase("-a -t [2001:db8::1]:80 -r ::ffff:192.168.139.2 -g", 255, "Invalid operation.  Possibly wrong module version, address not unicast, ...\n")]
    [TestCase("-a -t 192.168.1.1:80 -r [::ffff:192.168.139.4]:80 -i", 255, "Invalid operation.  Possibly wrong module version, address not unicast, ...\n")]
    [TestCase("-a -t 192.168.1.1:80 -r [::ffff:192.168.139.4]:80 -m", 2, "Different address family is allowed only for tunneling servers\n")]
    [TestCase("-e -t [2001:db8::1]:80 -r [::ffff:192.168.139.2]:80 -m -w 4", 255, "No such destination\n")]
    [TestCase("-d -t 192.168.1.1:80 -r [::ffff:192.168.139.4]:80", 255, "No such destination\n")]
    public void Ipv4MappedRealServer_IsNeverTaken_AsTheKernelRefusesIt(string line, int exit, string error)
    {
        var rig = new ExecutorRig();
        rig.Do("-A -t 192.168.1.1:80 -s rr");
        rig.Do("-A -t [2001:db8::1]:80 -s rr");
        rig.Do("-a -t 192.168.1.1:80 -r 192.168.139.4:80 -m");

        Assert.That(rig.Run(line), Is.EqualTo(new IpvsadmResult(exit, "", error)));
        Assert.That(rig.Run("-Sn").StandardOutput, Is.EqualTo(
            "-A -t 192.168.1.1:80 -s rr\n-a -t 192.168.1.1:80 -r 192.168.139.4:80 -m -w 1\n-A -t [2001:db8::1]:80 -s rr\n"));
    }

    [Test]
    public void Lnc_BracketsIpv6Endpoints_InIpvsadmsColumns()
    {
        // The columns are print_conn's (%-3s %-6s %-11s %-18s %-18s %s), written by ipvsadm for any family; the
        // kernel oracle sends IPv4 only, so this line is built from that format, not from a real IPv6 listing.
        var rig = new ExecutorRig();
        rig.Do("-A -t [2001:db8::113]:80 -s rr");
        rig.Do("-a -t [2001:db8::113]:80 -r [2001:db8:139::129]:80 -m");
        rig.Services.TryGet(new ServiceKey(IpProtocol.Tcp, InetAddress.Parse("2001:db8::113"), 80), out var service);
        var server = service.Destinations[0];
        var slot = rig.Connections.Add(new Connection
        {
            Protocol = (byte)IpProtocol.Tcp,
            ClientAddress = InetAddress.Parse("2001:db8:1::106"),
            ClientPort = 51729,
            VirtualAddress = service.Address,
            VirtualPort = 80,
            DestinationAddress = server.Address,
            DestinationPort = 80,
            Method = server.Method,
            Destination = server,
        }, rig.Now);
        rig.Connections.Touch(slot, PacketDirection.Input, FrameLayout.TcpSyn, rig.Now);
        Assert.That(rig.Run("-Lnc").StandardOutput, Is.EqualTo(
            "IPVS connection entries\n" +
            "pro expire state       source             virtual            destination\n" +
            "TCP 01:00  SYN_RECV    [2001:db8:1::106]:51729 [2001:db8::113]:80 [2001:db8:139::129]:80\n"));
    }

    [Test]
    public void LongIpv6Names_AreNeverCut_AndTheMaskIsReadAsAtoi()
    {
        var rig = new ExecutorRig();
        rig.Do("-A -t [2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]:65535 -s rr -p 10 -M 96");
        rig.Do("-a -t [2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]:65535 -r [2001:db8:eeee:eeee:eeee:eeee:eeee:eeee]:65535 -m");
        rig.Do("-A -t [2001:db8::5]:80 -M 64 -p 10");
        rig.Do("-A -t [2001:db8::6]:80 -p 10 -M 64abc");
        Assert.Multiple(() =>
        {
            Assert.That(rig.Run("-Ln").StandardOutput, Is.EqualTo(
                "IP Virtual Server version 1.2.1 (size=4096)\n" +
                "Prot LocalAddress:Port Scheduler Flags\n" +
                "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n" +
                "TCP  [2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]:65535 rr persistent 10 mask 96\n" +
                "  -> [2001:db8:eeee:eeee:eeee:eeee:eeee:eeee]:65535 Masq    1      0          0         \n" +
                "TCP  [2001:db8::5]:80 wlc persistent 10 mask 64\n" +
                "TCP  [2001:db8::6]:80 wlc persistent 10 mask 64\n"));
            Assert.That(rig.Run("-Ln --stats").StandardOutput, Does.EndWith(
                "TCP  [2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]:65535        0        0        0        0        0\n" +
                "  -> [2001:db8:eeee:eeee:eeee:eeee:eeee:eeee]:65535        0        0        0        0        0\n" +
                "TCP  [2001:db8::5]:80                    0        0        0        0        0\n" +
                "TCP  [2001:db8::6]:80                    0        0        0        0        0\n"));
            Assert.That(rig.Run("-Sn").StandardOutput, Is.EqualTo(
                "-A -t [2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]:65535 -s rr -p 10 -M 96\n" +
                "-a -t [2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]:65535 -r [2001:db8:eeee:eeee:eeee:eeee:eeee:eeee]:65535 -m -w 1\n" +
                "-A -t [2001:db8::5]:80 -s wlc -p 10 -M 64\n" +
                "-A -t [2001:db8::6]:80 -s wlc -p 10 -M 64\n"));
        });
    }

    [Test]
    public void BracketedIpv4_LosesItsPort_AsParseServiceDoes()
    {
        Assert.That(new ExecutorRig().Run("-A -t [1.2.3.4]:80 -s rr"),
            Is.EqualTo(new IpvsadmResult(2, "", "Zero port specified for non-persistent service\n")));
    }
}
