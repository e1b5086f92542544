using Forwarder.Core.Connections;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Ipvsadm.Execution;

namespace Forwarder.Ipvsadm.Tests.Execution;

/// <summary>
/// Real servers of the other address family, which IPVS allows for tunnelling only (IPv4 in IPv6, IPv6 in IPv4): every
/// expected text and exit code below is what ipvsadm 1.31 on Linux 6.1 printed for the same commands in the kernel
/// oracle's VM. (gue and gre tunnels, which the kernel also takes, are refused here as for same-family servers.)
/// </summary>
public sealed class MixedFamilyTunnelTests
{
    private static ExecutorRig Example()
    {
        var rig = new ExecutorRig();
        rig.Do("-A -t 192.168.1.1:80 -s rr");
        rig.Do("-a -t 192.168.1.1:80 -r [2001:db8::5]:80 -i");
        rig.Do("-a -t 192.168.1.1:80 -r [2001:db8::6]:8080 -i -w 3");
        rig.Do("-a -t 192.168.1.1:80 -r 2001:db8::9 -i");
        rig.Do("-a -t 192.168.1.1:80 -r [::1]:80 -i");
        rig.Do("-e -t 192.168.1.1:80 -r [2001:db8::5]:80 -i -w 5");
        rig.Do("-d -t 192.168.1.1:80 -r [2001:db8::9]:80");
        rig.Do("-A -t [2001:db8::1]:80 -s rr");
        rig.Do("-a -t [2001:db8::1]:80 -r 192.168.139.5:80 -i");
        rig.Do("-a -t [2001:db8::1]:80 -r 192.168.139.6 -i -w 2");
        rig.Do("-a -t [2001:db8::1]:80 -r 127.0.0.1:80 -i");
        rig.Do("-A -f 1 -s rr");
        rig.Do("-a -f 1 -r [2001:db8::c]:80 -i");
        rig.Do("-a -f 1 -r 2001:db8::d -i");
        return rig;
    }

    [Test]
    public void Ln_ListsEachServerInItsOwnFamily_AsTunnels()
    {
        Assert.That(Example().Run("-Ln").StandardOutput, Is.EqualTo(
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port Scheduler Flags\n" +
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n" +
            "TCP  192.168.1.1:80 rr\n" +
            "  -> [::1]:80                     Tunnel  1      0          0         \n" +
            "  -> [2001:db8::5]:80             Tunnel  5      0          0         \n" +
            "  -> [2001:db8::6]:80             Tunnel  3      0          0         \n" +
            "TCP  [2001:db8::1]:80 rr\n" +
            "  -> 127.0.0.1:80                 Tunnel  1      0          0         \n" +
            "  -> 192.168.139.5:80             Tunnel  1      0          0         \n" +
            "  -> 192.168.139.6:80             Tunnel  2      0          0         \n" +
            "FWM  1 rr\n" +
            "  -> [2001:db8::c]:80             Tunnel  1      0          0         \n" +
            "  -> [2001:db8::d]:0              Tunnel  1      0          0         \n"));
    }

    [Test]
    public void Sn_SavesTheMixedServers_WithTheirTunnelType()
    {
        Assert.That(Example().Run("-Sn").StandardOutput, Is.EqualTo(
            "-A -t 192.168.1.1:80 -s rr\n" +
            "-a -t 192.168.1.1:80 -r [::1]:80 -i -w 1 --tun-type ipip\n" +
            "-a -t 192.168.1.1:80 -r [2001:db8::5]:80 -i -w 5 --tun-type ipip\n" +
            "-a -t 192.168.1.1:80 -r [2001:db8::6]:80 -i -w 3 --tun-type ipip\n" +
            "-A -t [2001:db8::1]:80 -s rr\n" +
            "-a -t [2001:db8::1]:80 -r 127.0.0.1:80 -i -w 1 --tun-type ipip\n" +
            "-a -t [2001:db8::1]:80 -r 192.168.139.5:80 -i -w 1 --tun-type ipip\n" +
            "-a -t [2001:db8::1]:80 -r 192.168.139.6:80 -i -w 2 --tun-type ipip\n" +
            "-A -f 1 -s rr\n" +
            "-a -f 1 -r [2001:db8::c]:80 -i -w 1 --tun-type ipip\n" +
            "-a -f 1 -r [2001:db8::d]:0 -i -w 1 --tun-type ipip\n"));
    }

    [Test]
    public void SavedRules_RestoreToTheSameTable()
    {
        var saved = Example().Run("-Sn").StandardOutput;
        var restored = new ExecutorRig();
        Assert.That(restored.Run("-R", saved).ExitCode, Is.EqualTo(0));
        Assert.That(restored.Run("-Sn").StandardOutput, Is.EqualTo(saved));
    }

    [Test]
    public void ThresholdsAndStats_ListTheMixedServers()
    {
        var rig = Example();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(rig.Run("-Ln --thresholds").StandardOutput, Is.EqualTo(
                "IP Virtual Server version 1.2.1 (size=4096)\n" +
                "Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn \n" +
                "  -> RemoteAddress:Port\n" +
                "TCP  192.168.1.1:80 rr\n" +
                "  -> [::1]:80                     0          0          0          0         \n" +
                "  -> [2001:db8::5]:80             0          0          0          0         \n" +
                "  -> [2001:db8::6]:80             0          0          0          0         \n" +
                "TCP  [2001:db8::1]:80 rr\n" +
                "  -> 127.0.0.1:80                 0          0          0          0         \n" +
                "  -> 192.168.139.5:80             0          0          0          0         \n" +
                "  -> 192.168.139.6:80             0          0          0          0         \n" +
                "FWM  1 rr\n" +
                "  -> [2001:db8::c]:80             0          0          0          0         \n" +
                "  -> [2001:db8::d]:0              0          0          0          0         \n"));
            Assert.That(rig.Run("-Ln --stats").StandardOutput, Is.EqualTo(
                "IP Virtual Server version 1.2.1 (size=4096)\n" +
                "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n" +
                "  -> RemoteAddress:Port\n" +
                "TCP  192.168.1.1:80                      0        0        0        0        0\n" +
                "  -> [::1]:80                            0        0        0        0        0\n" +
                "  -> [2001:db8::5]:80                    0        0        0        0        0\n" +
                "  -> [2001:db8::6]:80                    0        0        0        0        0\n" +
                "TCP  [2001:db8::1]:80                    0        0        0        0        0\n" +
                "  -> 127.0.0.1:80                        0        0        0        0        0\n" +
                "  -> 192.168.139.5:80                    0        0        0        0        0\n" +
                "  -> 192.168.139.6:80                    0        0        0        0        0\n" +
                "FWM  1                                   0        0        0        0        0\n" +
                "  -> [2001:db8::c]:80                    0        0        0        0        0\n" +
                "  -> [2001:db8::d]:0                     0        0        0        0        0\n"));
        }
    }

    // -a and -e without -i take -g, ipvsadm's default method: refused before the kernel is asked (exit 2). The kernel's
    // own checks (unicast, existence) answer 255.
    [TestCase("-a -t 192.168.1.1:80 -r [2001:db8::7]:80", 2, "Different address family is allowed only for tunneling servers")]
    [TestCase("-a -f 1 -r [2001:db8::e]:80 -m", 2, "Different address family is allowed only for tunneling servers")]
    [TestCase("-e -t 192.168.1.1:80 -r [2001:db8::5]:80 -m", 2, "Different address family is allowed only for tunneling servers")]
    [TestCase("-e -t 192.168.1.1:80 -r [2001:db8::5]:80 -g", 2, "Different address family is allowed only for tunneling servers")]
    [TestCase("-e -t 192.168.1.1:80 -r [2001:db8::5]:80 -w 7", 2, "Different address family is allowed only for tunneling servers")]
    [TestCase("-a -t [2001:db8::1]:80 -r 192.168.139.7:80 -m", 2, "Different address family is allowed only for tunneling servers")]
    [TestCase("-a -t 192.168.1.1:80 -r [ff02::1]:80 -i", 255, "Invalid operation.  Possibly wrong module version, address not unicast, ...")]
    [TestCase("-a -t 192.168.1.1:80 -r [fe80::1]:80 -i", 255, "Invalid operation.  Possibly wrong module version, address not unicast, ...")]
    [TestCase("-a -t [2001:db8::1]:80 -r 224.0.0.1:80 -i", 255, "Invalid operation.  Possibly wrong module version, address not unicast, ...")]
    [TestCase("-a -t [2001:db8::1]:80 -r 255.255.255.255:80 -i", 255, "Invalid operation.  Possibly wrong module version, address not unicast, ...")]
    [TestCase("-a -t [2001:db8::1]:80 -r 0.0.0.0:80 -i", 255, "Invalid operation.  Possibly wrong module version, address not unicast, ...")]
    [TestCase("-a -t 192.168.1.1:80 -r [2001:db8::5]:80 -i", 255, "Destination already exists")]
    [TestCase("-e -t 192.168.1.1:80 -r [2001:db8::99]:80 -i -w 5", 255, "No such destination")]
    [TestCase("-d -t 192.168.1.1:80 -r [2001:db8::99]:80", 255, "No such destination")]
    public void Refusals_AreIpvsadmsAndTheKernels(string command, int exitCode, string message)
    {
        var rig = Example();
        var before = rig.Snapshot();
        Assert.That(rig.Run(command), Is.EqualTo(new IpvsadmResult(exitCode, "", message + "\n")));
        Assert.That(rig.Snapshot(), Is.EqualTo(before));
    }

    [Test]
    public void Lnc_WritesTheDestinationInItsOwnFamily()
    {
        // The oracle's line for an IPv4 client tunnelled to an IPv6 server: "10.9.1.2:40001     10.9.1.100:80      [2001:db8:2::5]:80".
        var rig = new ExecutorRig();
        rig.Do("-A -t 10.9.1.100:80 -s rr");
        rig.Do("-a -t 10.9.1.100:80 -r [2001:db8:2::5]:80 -i");
        rig.Services.TryGet(new ServiceKey(IpProtocol.Tcp, InetAddress.Parse("10.9.1.100"), 80), out var service);
        var server = service.Destinations[0];
        var slot = rig.Connections.Add(new Connection
        {
            Protocol = (byte)IpProtocol.Tcp,
            ClientAddress = InetAddress.Parse("10.9.1.2"),
            ClientPort = 40001,
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
            "TCP 01:00  SYN_RECV    10.9.1.2:40001     10.9.1.100:80      [2001:db8:2::5]:80\n"));
    }
}
