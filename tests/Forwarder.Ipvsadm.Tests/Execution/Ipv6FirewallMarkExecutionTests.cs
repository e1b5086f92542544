using Forwarder.Ipvsadm.Execution;

namespace Forwarder.Ipvsadm.Tests.Execution;

/// <summary>
/// IPv6 firewall-mark services (-f N -6) as ipvsadm 1.31 on Linux 6.1 edits and lists them: every expected text here
/// is what the real kernel printed for the same commands (tests/Forwarder.Conformance/Cases/sessions/fwmark-ipv6.scenario).
/// </summary>
public sealed class Ipv6FirewallMarkExecutionTests
{
    private static ExecutorRig Table()
    {
        var rig = new ExecutorRig();
        rig.Do("-A -f 1 -6 -s rr");
        rig.Do("-A -f 1 -s rr");
        rig.Do("-A -f 4 -6 -s sh -p 60 -M 64");
        rig.Do("-a -f 1 -6 -r [2001:db8:139::3]:80 -g");
        rig.Do("-a -f 1 -6 -r 2001:db8:139::4 -m");
        rig.Do("-a -f 1 -6 -r [2001:db8:139::6]:0 -i -w 3");
        rig.Do("-a -f 1 -6 -r 2001:db8:139::5:0 -m");
        rig.Do("-a -f 1 -r 192.168.139.9 -m");
        return rig;
    }

    [Test]
    public void Ln_ListsTheIpv6ServiceOfAMarkAfterItsIpv4One_NamedIpv6()
    {
        Assert.That(Table().Run("-Ln").StandardOutput, Is.EqualTo(
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port Scheduler Flags\n" +
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n" +
            "FWM  1 rr\n" +
            "  -> 192.168.139.9:0              Masq    1      0          0         \n" +
            "FWM  1 IPv6 rr\n" +
            "  -> [2001:db8:139::3]:80         Route   1      0          0         \n" +
            "  -> [2001:db8:139::4]:0          Masq    1      0          0         \n" +
            "  -> [2001:db8:139::6]:0          Tunnel  3      0          0         \n" +
            "  -> [2001:db8:139::5:0]:0        Masq    1      0          0         \n" +
            "FWM  4 IPv6 sh persistent 60 mask 64\n"));
    }

    [Test]
    public void Sn_WritesMinus6AfterTheMark_AndRestoresToTheSameTable()
    {
        var saved = Table().Run("-Sn").StandardOutput;
        var restored = new ExecutorRig();

        Assert.That(saved, Is.EqualTo(
            "-A -f 1 -s rr\n" +
            "-a -f 1 -r 192.168.139.9:0 -m -w 1\n" +
            "-A -f 1 -6 -s rr\n" +
            "-a -f 1 -6 -r [2001:db8:139::3]:80 -g -w 1\n" +
            "-a -f 1 -6 -r [2001:db8:139::4]:0 -m -w 1\n" +
            "-a -f 1 -6 -r [2001:db8:139::6]:0 -i -w 3 --tun-type ipip\n" +
            "-a -f 1 -6 -r [2001:db8:139::5:0]:0 -m -w 1\n" +
            "-A -f 4 -6 -s sh -p 60 -M 64\n"));
        Assert.That(restored.Run("-R", saved), Is.EqualTo(new IpvsadmResult(0, "", "")));
        Assert.That(restored.Run("-Sn").StandardOutput, Is.EqualTo(saved));
    }

    [Test]
    public void EachFamilyOfAMark_IsEditedAndDeletedOnItsOwn()
    {
        var rig = Table();

        Assert.That(rig.Run("-A -f 1 -6 -s rr"), Is.EqualTo(new IpvsadmResult(255, "", "Service already exists\n")));
        Assert.That(rig.Run("-E -f 4 -s rr"), Is.EqualTo(new IpvsadmResult(255, "", "No such service\n")));
        Assert.That(rig.Run("-Ln -f 4 -6").ExitCode, Is.EqualTo(0));
        Assert.That(rig.Run("-Ln -f 4"), Is.EqualTo(new IpvsadmResult(1, "", "No such service\n")));
        rig.Do("-D -f 1");
        Assert.That(rig.Run("-Sn").StandardOutput, Does.StartWith("-A -f 1 -6 -s rr\n"));
        rig.Do("-D -f 1 -6");
        Assert.That(rig.Run("-D -f 1 -6"), Is.EqualTo(new IpvsadmResult(255, "", "No such service\n")));
    }

    [TestCase("-a -f 1 -6 -r [2001:db8:139::2] -m", 2, "illegal real server address[:port] specified\n")]
    [TestCase("-a -f 1 -6 -r 192.168.139.7 -m", 2, "Different address family is allowed only for tunneling servers\n")]
    [TestCase("-A -t 192.168.1.1:80 -6 -s rr", 2, "-6 used before -f\n\n")]
    public void Refusals_AreTheKernels(string line, int exit, string error)
    {
        Assert.That(Table().Run(line), Is.EqualTo(new IpvsadmResult(exit, "", error)));
    }
}
