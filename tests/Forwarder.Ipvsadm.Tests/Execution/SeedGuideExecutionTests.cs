using System.Text;
using Forwarder.Ipvsadm.Execution;

namespace Forwarder.Ipvsadm.Tests.Execution;

/// <summary>The seed guide's ipvsadm sessions (lvs-ipvsadm-guide.txt), command by command through the executor.</summary>
public sealed class SeedGuideExecutionTests
{
    private const string Heading =
        "IP Virtual Server version 1.2.1 (size=4096)\n" +
        "Prot LocalAddress:Port Scheduler Flags\n" +
        "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n";

    private const string ExampleOneListing = Heading +
        "TCP  192.168.1.113:80 rr\n" +
        "  -> 192.168.139.129:80           Masq    1      0          0         \n" +
        "  -> 192.168.139.131:80           Masq    1      0          0         \n" +
        "  -> 192.168.139.144:80           Masq    1      0          0         \n";

    private static ExecutorRig ExampleOne()
    {
        var rig = new ExecutorRig();
        rig.Do("-A -t 192.168.1.113:80 -s rr");
        rig.Do("-a -t 192.168.1.113:80 -r 192.168.139.129:80 -m");
        rig.Do("-a -t 192.168.1.113:80 -r 192.168.139.131:80 -m");
        rig.Do("-a -t 192.168.1.113:80 -r 192.168.139.144:80 -m");
        return rig;
    }

    [Test]
    public void ExampleOne_AddThenList_PrintsTheGuidesTable()
    {
        var result = ExampleOne().Run("-Ln");

        Assert.That(result.ExitCode, Is.Zero);
        Assert.That(result.StandardOutput, Is.EqualTo(ExampleOneListing));
        Assert.That(result.StandardError, Is.Empty);
    }

    [Test]
    public void ExampleOne_ConnectionListingWithNoTraffic_PrintsOnlyTheTitles()
    {
        var result = ExampleOne().Run("-Lnc");

        Assert.That(result.StandardOutput, Is.EqualTo(
            "IPVS connection entries\n" +
            "pro expire state       source             virtual            destination\n"));
    }

    [Test]
    public void ExampleOne_DeleteServer_LeavesTwo()
    {
        var rig = ExampleOne();

        rig.Do("-d -t 192.168.1.113:80 -r 192.168.139.144:80");

        Assert.That(rig.Run("-Ln").StandardOutput, Is.EqualTo(Heading +
            "TCP  192.168.1.113:80 rr\n" +
            "  -> 192.168.139.129:80           Masq    1      0          0         \n" +
            "  -> 192.168.139.131:80           Masq    1      0          0         \n"));
    }

    /// <summary>The guide's backup is 202 bytes: -S with port names, all three servers.</summary>
    [Test]
    public void ExampleOne_SaveClearRestore_RoundTripsThroughThe202ByteBackup()
    {
        var rig = ExampleOne();

        var backup = rig.Run("-S").StandardOutput;
        Assert.That(backup, Is.EqualTo(
            "-A -t 192.168.1.113:http -s rr\n" +
            "-a -t 192.168.1.113:http -r 192.168.139.129:http -m -w 1\n" +
            "-a -t 192.168.1.113:http -r 192.168.139.131:http -m -w 1\n" +
            "-a -t 192.168.1.113:http -r 192.168.139.144:http -m -w 1\n"));
        Assert.That(Encoding.ASCII.GetByteCount(backup), Is.EqualTo(202));

        rig.Do("-C");
        Assert.That(rig.Run("-Ln").StandardOutput, Is.EqualTo(Heading));

        Assert.That(rig.Run("-R", backup), Is.EqualTo(new IpvsadmResult(0, "", "")));
        Assert.That(rig.Run("-Ln").StandardOutput, Is.EqualTo(ExampleOneListing));
    }

    [Test]
    public void ExampleOne_EditServiceToWrr_ChangesOnlyTheScheduler()
    {
        var rig = ExampleOne();

        rig.Do("-E -t 192.168.1.113:80 -s wrr");

        Assert.That(rig.Run("-Ln").StandardOutput, Is.EqualTo(ExampleOneListing.Replace(" rr\n", " wrr\n", StringComparison.Ordinal)));
    }

    /// <summary>
    /// Example two, on a cleared table. The guide adds .131 with -e, which on a table without it is refused
    /// ("No such destination"); its listing shows .131 with weight 3, as -a gives it.
    /// </summary>
    [Test]
    public void ExampleTwo_DirectRoutingWrr_ListsRouteWithWeights()
    {
        var rig = ExampleOne();
        rig.Do("-C");
        rig.Do("-A -t 192.168.1.113:80 -s wrr");
        rig.Do("-a -t 192.168.1.113:80 -r 192.168.139.129:80 -g -w 1");
        rig.Do("-a -t 192.168.1.113:80 -r 192.168.139.144:80 -g -w 2");

        var edit = rig.Run("-e -t 192.168.1.113:80 -r 192.168.139.131:80 -g -w 3");
        Assert.That(edit.ExitCode, Is.EqualTo(255));
        Assert.That(edit.StandardError, Is.EqualTo("No such destination\n"));

        rig.Do("-a -t 192.168.1.113:80 -r 192.168.139.131:80 -g -w 3");
        Assert.That(rig.Run("-Ln").StandardOutput, Is.EqualTo(Heading +
            "TCP  192.168.1.113:80 wrr\n" +
            "  -> 192.168.139.129:80           Route   1      0          0         \n" +
            "  -> 192.168.139.131:80           Route   3      0          0         \n" +
            "  -> 192.168.139.144:80           Route   2      0          0         \n"));
    }

    /// <summary>The NAT experiment's script: -C, then one service on .199 with three masqueraded servers.</summary>
    [Test]
    public void NatScript_BuildsTheExperimentsTable()
    {
        var rig = new ExecutorRig();
        foreach (var line in new[]
        {
            "-C", "-A -t 192.168.1.199:80 -s rr", "-a -t 192.168.1.199:80 -r 192.168.139.254:80 -m",
            "-a -t 192.168.1.199:80 -r 192.168.139.253:80 -m", "-a -t 192.168.1.199:80 -r 192.168.139.252:80 -m",
        })
        {
            rig.Do(line);
        }

        Assert.That(rig.Run("-Sn").StandardOutput, Is.EqualTo(
            "-A -t 192.168.1.199:80 -s rr\n" +
            "-a -t 192.168.1.199:80 -r 192.168.139.252:80 -m -w 1\n" +
            "-a -t 192.168.1.199:80 -r 192.168.139.253:80 -m -w 1\n" +
            "-a -t 192.168.1.199:80 -r 192.168.139.254:80 -m -w 1\n"));
    }
}
