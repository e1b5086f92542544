using Forwarder.Ipvsadm.Execution;

namespace Forwarder.Ipvsadm.Tests.Execution;

/// <summary>
/// Firewall-mark services (-f) as ipvsadm 1.31 on Linux 6.1 edits and lists them: every expected text here is what
/// the real kernel printed for the same commands (tests/Forwarder.Conformance/Cases/sessions/fwmark.scenario).
/// </summary>
public sealed class FirewallMarkExecutionTests
{
    private static ExecutorRig Table()
    {
        var rig = new ExecutorRig();
        rig.Do("-A -f 1 -s rr -p 300");
        rig.Do("-a -f 1 -r 192.168.139.2 -m");
        rig.Do("-a -f 1 -r 192.168.139.3:8080 -g");
        rig.Do("-a -f 1 -r 192.168.139.4 -i -w 3");
        rig.Do("-A -t 192.168.1.199:80 -s wlc");
        rig.Do("-a -t 192.168.1.199:80 -r 192.168.139.5 -m");
        rig.Do("-A -u 192.168.1.199:53 -s rr");
        rig.Do("-A -f 4294967295 -s dh");
        rig.Do("-A -f 10 -s sh -p 60 -M 255.255.255.0");
        rig.Do("-A -f 2 -s wrr");
        return rig;
    }

    [Test]
    public void Ln_ListsMarksAfterTcpAndUdp_ExceptMarksOf2To31AndOver_WhichComeFirstAndNegative()
    {
        Assert.That(Table().Run("-Ln").StandardOutput, Is.EqualTo(
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port Scheduler Flags\n" +
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n" +
            "FWM  -1 dh\n" +
            "TCP  192.168.1.199:80 wlc\n" +
            "  -> 192.168.139.5:80             Masq    1      0          0         \n" +
            "UDP  192.168.1.199:53 rr\n" +
            "FWM  1 rr persistent 300\n" +
            "  -> 192.168.139.2:0              Masq    1      0          0         \n" +
            "  -> 192.168.139.3:8080           Route   1      0          0         \n" +
            "  -> 192.168.139.4:0              Tunnel  3      0          0         \n" +
            "FWM  2 wrr\n" +
            "FWM  10 sh persistent 60 mask 255.255.255.0\n"));
    }

    [Test]
    public void Sn_WritesMinusF_WithTheRealServersPortsAsGiven()
    {
        Assert.That(Table().Run("-Sn").StandardOutput, Is.EqualTo(
            "-A -f -1 -s dh\n" +
            "-A -t 192.168.1.199:80 -s wlc\n" +
            "-a -t 192.168.1.199:80 -r 192.168.139.5:80 -m -w 1\n" +
            "-A -u 192.168.1.199:53 -s rr\n" +
            "-A -f 1 -s rr -p 300\n" +
            "-a -f 1 -r 192.168.139.2:0 -m -w 1\n" +
            "-a -f 1 -r 192.168.139.3:8080 -g -w 1\n" +
            "-a -f 1 -r 192.168.139.4:0 -i -w 3 --tun-type ipip\n" +
            "-A -f 2 -s wrr\n" +
            "-A -f 10 -s sh -p 60 -M 255.255.255.0\n"));
    }

    [Test]
    public void Sn_RestoredWithR_GivesTheSameTable()
    {
        var rig = Table();
        rig.Do("-D -f 4294967295");
        var saved = rig.Run("-Sn").StandardOutput;
        var restored = new ExecutorRig();

        Assert.That(restored.Run("-R", saved), Is.EqualTo(new IpvsadmResult(0, "", "")));
        Assert.That(restored.Run("-Sn").StandardOutput, Is.EqualTo(saved));
    }

    [Test]
    public void StatsAndRate_NameTheServiceByItsMark()
    {
        var rig = Table();

        Assert.Multiple(() =>
        {
            Assert.That(rig.Run("-Ln -f 1 --stats").StandardOutput, Is.EqualTo(
                "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n" +
                "  -> RemoteAddress:Port\n" +
                "FWM  1                                   0        0        0        0        0\n" +
                "  -> 192.168.139.2:0                     0        0        0        0        0\n" +
                "  -> 192.168.139.3:8080                  0        0        0        0        0\n" +
                "  -> 192.168.139.4:0                     0        0        0        0        0\n"));
            Assert.That(rig.Run("-Ln --rate").StandardOutput, Does.Contain(
                "FWM  -1                                  0        0        0        0        0\n" +
                "TCP  192.168.1.199:80                    0        0        0        0        0\n"));
        });
    }

    [Test]
    public void EditAndDelete_FindTheServiceByItsMark()
    {
        var rig = Table();
        rig.Do("-E -f 1 -s wlc -p 60");
        rig.Do("-e -f 1 -r 192.168.139.2 -m -w 5");
        rig.Do("-d -f 1 -r 192.168.139.3:8080");
        rig.Do("-D -f 2");
        rig.Do("-A -f 20 -s rr -o");
        rig.Do("-A -f 22 -s rr -p");

        Assert.Multiple(() =>
        {
            Assert.That(rig.Run("-Ln -f 1").StandardOutput, Is.EqualTo(
                "Prot LocalAddress:Port Scheduler Flags\n" +
                "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n" +
                "FWM  1 wlc persistent 60\n" +
                "  -> 192.168.139.2:0              Masq    5      0          0         \n" +
                "  -> 192.168.139.4:0              Tunnel  3      0          0         \n"));
            Assert.That(rig.Run("-Ln").StandardOutput, Does.EndWith(
                "FWM  10 sh persistent 60 mask 255.255.255.0\n" +
                "FWM  20 rr ops\n" +
                "FWM  22 rr persistent 360\n"));
        });
    }

    [TestCase("-A -f 1 -s rr", 255, "Service already exists\n")]
    [TestCase("-A -f 010 -s rr", 255, "Service already exists\n")]
    [TestCase("-a -f 1 -r 192.168.139.2 -m", 255, "Destination already exists\n")]
    [TestCase("-A -f 0 -s rr", 2, "invalid fwmark value `0' specified\n")]
    [TestCase("-A -f 4294967296 -s rr", 2, "invalid fwmark value `4294967296' specified\n")]
    [TestCase("-A -f 0x10 -s rr", 2, "invalid fwmark value `0x10' specified\n")]
    [TestCase("-A -f -1 -s rr", 2, "invalid fwmark value `-1' specified\n")]
    [TestCase("-A -f 3 -t 1.2.3.4:80 -s rr", 2, "multiple 'service-address' options specified\n")]
    [TestCase("-A -f 23 -s rr -p 0", 2, "invalid timeout value `0' specified\n")]
    [TestCase("-E -f 99 -s rr", 255, "No such service\n")]
    [TestCase("-e -f 1 -r 192.168.139.9 -m", 255, "No such destination\n")]
    [TestCase("-d -f 1 -r 192.168.139.9", 255, "No such destination\n")]
    [TestCase("-d -f 99 -r 192.168.139.2", 255, "Service not defined\n")]
    [TestCase("-a -f 99 -r 192.168.139.2", 255, "Service not defined\n")]
    [TestCase("-D -f 99", 255, "No such service\n")]
    [TestCase("-Z -f 99", 255, "No such service\n")]
    [TestCase("-L -n -f 99", 1, "No such service\n")]
    public void Refusals_AreIpvsadms(string command, int exitCode, string error)
    {
        var rig = Table();
        var before = rig.Snapshot();

        var result = rig.Run(command);

        Assert.Multiple(() =>
        {
            Assert.That(result.StandardError, Is.EqualTo(error));
            Assert.That(result.ExitCode, Is.EqualTo(exitCode));
            Assert.That(rig.Snapshot(), Is.EqualTo(before));
        });
    }
}
