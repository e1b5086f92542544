using Forwarder.Ipvsadm.Execution;

namespace Forwarder.Ipvsadm.Tests.Execution;

/// <summary>-R takes a whole input or none of it, and says which line it refused.</summary>
public sealed class RestoreExecutionTests
{
    private static ExecutorRig OneService()
    {
        var rig = new ExecutorRig();
        rig.Do("-A -t 192.168.1.113:80 -s rr");
        rig.Do("-a -t 192.168.1.113:80 -r 192.168.139.129:80 -m");
        return rig;
    }

    [Test]
    public void GoodInput_AddsToWhatIsThere_InOrder()
    {
        var rig = OneService();

        var result = rig.Run("-R",
            "-a -t 192.168.1.113:http -r 192.168.139.131:http -m -w 2\n" +
            "\n" +
            "ipvsadm -A -u 192.168.1.113:53 -s wlc\n" +
            "-a -u 192.168.1.113:53 -r 192.168.139.131 -g\n" +
            "--set 600 60 120\n");

        Assert.That(result, Is.EqualTo(new IpvsadmResult(0, "", "")));
        Assert.That(rig.Run("-Sn").StandardOutput, Is.EqualTo(
            "-A -t 192.168.1.113:80 -s rr\n" +
            "-a -t 192.168.1.113:80 -r 192.168.139.129:80 -m -w 1\n" +
            "-a -t 192.168.1.113:80 -r 192.168.139.131:80 -m -w 2\n" +
            "-A -u 192.168.1.113:53 -s wlc\n" +
            "-a -u 192.168.1.113:53 -r 192.168.139.131:53 -g -w 1\n"));
        Assert.That(rig.Run("-L --timeout").StandardOutput, Is.EqualTo("Timeout (tcp tcpfin udp): 600 60 120\n"));
    }

    [Test]
    public void RefusedLine_AppliesNothing_AndNamesTheLine()
    {
        var rig = OneService();
        var before = rig.Snapshot();

        var result = rig.Run("-R",
            "-a -t 192.168.1.113:80 -r 192.168.139.131:80 -m\n" +
            "--set 600 60 120\n" +
            "-A -t 192.168.1.114:80 -s rr\n" +
            "-a -t 192.168.1.113:80 -r 192.168.139.129:80 -m\n");

        Assert.That(result.ExitCode, Is.EqualTo(255));
        Assert.That(result.StandardOutput, Is.Empty);
        Assert.That(result.StandardError, Is.EqualTo(
            "Destination already exists\n" +
            "ipvsadm: restore input line 4 refused; nothing was restored\n"));
        Assert.That(rig.Snapshot(), Is.EqualTo(before));
    }

    [Test]
    public void LineThatDependsOnAnEarlierOne_IsCheckedAgainstTheTableAsItWouldBe()
    {
        var rig = OneService();

        // Deleting the service first makes the later -a refer to nothing.
        var result = rig.Run("-R",
            "-D -t 192.168.1.113:80\n" +
            "-a -t 192.168.1.113:80 -r 192.168.139.131:80 -m\n");

        Assert.That(result.StandardError, Is.EqualTo("Service not defined\nipvsadm: restore input line 2 refused; nothing was restored\n"));
        Assert.That(rig.Run("-Sn").StandardOutput, Does.StartWith("-A -t 192.168.1.113:80 -s rr\n"));
    }

    [Test]
    public void MalformedLine_IsRefusedWithIpvsadmsWordsAndStatus_BeforeAnythingApplies()
    {
        var rig = OneService();
        var before = rig.Snapshot();

        var result = rig.Run("-R", "-C\n-A -t 192.168.1.300:80 -s rr\n");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.StandardError, Is.EqualTo(
            "illegal virtual server address[:port] specified\n" +
            "ipvsadm: restore input line 2 refused; nothing was restored\n"));
        Assert.That(rig.Snapshot(), Is.EqualTo(before));
    }

    [Test]
    public void RestoreInsideRestore_IsTryHelp()
    {
        var result = OneService().Run("-R", "-R\n");

        Assert.That(result.ExitCode, Is.EqualTo(255));
        Assert.That(result.StandardError, Does.StartWith("Try `ipvsadm -h' or 'ipvsadm --help' for more information.\n"));
    }

    [Test]
    public void ListingLine_IsNotARule()
    {
        var rig = OneService();
        var before = rig.Snapshot();

        var result = rig.Run("-R", "-C\n-Ln\n");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.StandardError, Does.StartWith("'-Ln' is not a rule and cannot be restored\n"));
        Assert.That(rig.Snapshot(), Is.EqualTo(before));
    }

    [Test]
    public void Thresholds_SurviveTheTrialCopy()
    {
        var rig = new ExecutorRig();
        rig.Do("-A -t 10.0.0.1:80 -s rr");
        rig.Do("-a -t 10.0.0.1:80 -r 10.0.1.1:80 -m -x 100 -y 50");

        rig.Do("-R");
        Assert.That(rig.Run("-R", "-a -t 10.0.0.1:80 -r 10.0.1.2:80 -m\n").ExitCode, Is.Zero);

        Assert.That(rig.Run("-Ln --thresholds").StandardOutput, Does.Contain(
            "  -> 10.0.1.1:80                  100        50         0          0         \n"));
    }

    [Test]
    public void MixedInput_LeavesTheTableAsApplyingItLineByLineDoes()
    {
        // Lines on services that were there and on services the input creates, deletions, re-creations, edits of
        // both kinds, -Z and --set: the trial builds new services whole, the commit must still end where ipvsadm does.
        var lines = new List<string>
        {
            "-a -t 192.168.1.113:80 -r 192.168.139.130:80 -m -w 3",
            "-e -t 192.168.1.113:80 -r 192.168.139.129:80 -m -w 5 -x 10 -y 5",
            "-A -t 10.1.0.1:80 -s wrr",
        };
        for (var i = 1; i <= 10; i++)
        {
            lines.Add($"-a -t 10.1.0.1:80 -r 10.2.0.{i}:8080 -m -w {i}");
        }
        lines.AddRange(
        [
            "-e -t 10.1.0.1:80 -r 10.2.0.3:8080 -m -w 30",
            "-d -t 10.1.0.1:80 -r 10.2.0.4:8080",
            "-a -t 10.1.0.1:80 -r 10.2.0.4:8080 -m -w 40",
            "-E -t 10.1.0.1:80 -s lc",
            "-A -u 10.1.0.2:53 -s sh -b sh-port",
            "-a -u 10.1.0.2:53 -r 10.2.0.1 -g",
            "-D -t 192.168.1.114:80",
            "-A -t 192.168.1.114:80 -s rr -p 60",
            "-a -t 192.168.1.114:80 -r 10.2.1.1:80 -i -w 2",
            "-A -t 10.1.0.3:80 -s rr",
            "-a -t 10.1.0.3:80 -r 10.2.3.1:80 -m",
            "-D -t 10.1.0.3:80",
            "-Z",
            "--set 900 90 200",
            "-A -t 10.1.0.4:80 -s rr",
        ]);
        var input = string.Join("\n", lines) + "\n";
        IpvsadmResult Run(ExecutorRig rig, string command) => rig.Run(command);
        ExecutorRig Prepared()
        {
            var rig = OneService();
            rig.Do("-A -t 192.168.1.114:80 -s wlc");
            rig.Do("-a -t 192.168.1.114:80 -r 10.9.0.1:80 -g");
            return rig;
        }
        var lineByLine = Prepared();
        foreach (var line in lines)
        {
            lineByLine.Do(line);
        }
        var restored = Prepared();

        Assert.That(restored.Run("-R", input), Is.EqualTo(new IpvsadmResult(0, "", "")));

        foreach (var listing in new[] { "-Sn", "-Ln --nosort", "-Ln --thresholds", "-Ln --stats", "-L --timeout", "-Ln --tun-info" })
        {
            Assert.That(Run(restored, listing).StandardOutput, Is.EqualTo(Run(lineByLine, listing).StandardOutput), listing);
        }
    }

    [Test]
    public void RefusedLineAfterNewServices_LeavesNoneOfThem()
    {
        var rig = OneService();
        var before = rig.Snapshot();

        var result = rig.Run("-R",
            "-A -t 10.1.0.1:80 -s rr\n" +
            "-a -t 10.1.0.1:80 -r 10.2.0.1:80 -m\n" +
            "-a -t 10.1.0.1:80 -r 10.2.0.1:80 -m\n");

        Assert.That(result.StandardError, Is.EqualTo("Destination already exists\nipvsadm: restore input line 3 refused; nothing was restored\n"));
        Assert.That(rig.Snapshot(), Is.EqualTo(before));
    }
}
