namespace Forwarder.Ipvsadm.Tests.Execution;

/// <summary>
/// Every refusal prints ipvsadm 1.31's words on stderr, nothing on stdout, exits as ipvsadm does — 2 for
/// fail(), 255 for popt errors, tryhelp_exit(-1) and libipvs refusals, 1 for a listing of a missing service —
/// and leaves the table as it was.
/// </summary>
public sealed class ExecutionErrorTests
{
    private static ExecutorRig ExampleOne()
    {
        var rig = new ExecutorRig();
        rig.Do("-A -t 192.168.1.113:80 -s rr");
        rig.Do("-a -t 192.168.1.113:80 -r 192.168.139.129:80 -m -x 10 -y 5");
        rig.Do("-a -t 192.168.1.113:80 -r 192.168.139.131:80 -m");
        return rig;
    }

    // Refused by the kernel, reported through libipvs's ipvs_strerror (1.31's table).
    [TestCase("-A -t 192.168.1.113:80 -s rr", "Service already exists\n", 255)]
    [TestCase("-A -t 192.168.1.114:80 -s nosuch", "Scheduler or persistence engine not found\n", 255)]
    [TestCase("-E -t 192.168.1.113:80 -s nosuch", "Scheduler or persistence engine not found\n", 255)]
    [TestCase("-E -t 192.168.1.114:80 -s rr", "No such service\n", 255)]
    [TestCase("-D -t 192.168.1.114:80", "No such service\n", 255)]
    [TestCase("-D -u 192.168.1.113:80", "No such service\n", 255)]
    [TestCase("-Z -t 192.168.1.114:80", "No such service\n", 255)]
    [TestCase("-a -t 192.168.1.114:80 -r 192.168.139.129:80 -m", "Service not defined\n", 255)]
    [TestCase("-e -t 192.168.1.114:80 -r 192.168.139.129:80 -m", "Service not defined\n", 255)]
    [TestCase("-d -t 192.168.1.114:80 -r 192.168.139.129:80", "Service not defined\n", 255)]
    [TestCase("-a -t 192.168.1.113:80 -r 192.168.139.129:80 -m", "Destination already exists\n", 255)]
    [TestCase("-e -t 192.168.1.113:80 -r 192.168.139.144:80 -m", "No such destination\n", 255)]
    [TestCase("-d -t 192.168.1.113:80 -r 192.168.139.144:80", "No such destination\n", 255)]
    [TestCase("-a -t 192.168.1.113:80 -r 192.168.139.144:80 -m -x 5 -y 6", "Numerical result out of range\n", 255)]
    [TestCase("-e -t 192.168.1.113:80 -r 192.168.139.129:80 -m -x 5 -y 6", "Numerical result out of range\n", 255)]
    // Refused by ipvsadm's own checks: fail(2, ...).
    [TestCase("-A -t 192.168.1.300:80 -s rr", "illegal virtual server address[:port] specified\n", 2)]
    [TestCase("-A -t 192.168.1.114:nosuchport -s rr", "illegal virtual server address[:port] specified\n", 2)]
    [TestCase("-A -t 192.168.1.114:70000 -s rr", "illegal virtual server address[:port] specified\n", 2)]
    [TestCase("-a -t 192.168.1.113:80 -r 192.168.139.256:80 -m", "illegal real server address[:port] specified\n", 2)]
    [TestCase("-a -t 192.168.1.113:80 -r 192.168.139.144:80 -w 2147483648", "illegal weight specified\n", 2)]
    [TestCase("-A -t 192.168.1.114:0 -s rr", "Zero port specified for non-persistent service\n", 2)]
    [TestCase("-A -t 192.168.1.114:80 -p 0", "invalid timeout value `0' specified\n", 2)]
    [TestCase("-A", "You need to supply the 'service-address' option for the 'add-service' command\n", 2)]
    [TestCase("-a -t 192.168.1.113:80", "You need to supply the 'real-server' option for the 'add-server' command\n", 2)]
    [TestCase("-D -t 192.168.1.113:80 -s rr", "Illegal 'scheduler' option with the 'delete-service' command\n", 2)]
    [TestCase("-C -n", "Illegal 'numeric' option with the 'flush' command\n", 2)]
    [TestCase("-L -c -t 192.168.1.113:80", "The option 'service-address' conflicts with the 'connection' option in the 'list' command\n", 2)]
    [TestCase("-L --stats --timeout", "options conflicts in the list command\n", 2)]
    [TestCase("-A -t 192.168.1.114:80 -s rr -s wrr", "multiple 'scheduler' options specified\n", 2)]
    [TestCase("-A -t 192.168.1.114:80 -s rr extra", "unexpected argument extra\n", 2)]
    [TestCase("-L -E", "invalid option `-E'\n", 2)]
    [TestCase("--set 1 2", "--set option requires 3 timeout values\n", 2)]
    // Refused by popt or tryhelp_exit(argv[0], -1).
    [TestCase("-A -t 192.168.1.114:80 -s", "-s: missing argument\n", 255)]
    [TestCase("-a -t 192.168.1.113:80 -r", "-r: missing argument\n", 255)]
    [TestCase("-A -t 192.168.1.114:80 --bogus", "--bogus: unknown option\n", 255)]
    [TestCase("-n", "Try `ipvsadm -h' or 'ipvsadm --help' for more information.\n", 255)]
    [TestCase("192.168.1.113", "Try `ipvsadm -h' or 'ipvsadm --help' for more information.\n", 255)]
    // list_service on a missing service: exit(1).
    [TestCase("-L -t 192.168.1.114:80", "No such service\n", 1)]
    public void Refusal_PrintsIpvsadmsWords_ExitsAsIpvsadm_ChangesNothing(string commandLine, string standardError, int exitCode)
    {
        var rig = ExampleOne();
        var before = rig.Snapshot();

        var result = rig.Run(commandLine);

        Assert.That(result.StandardError, Is.EqualTo(standardError));
        Assert.That(result.ExitCode, Is.EqualTo(exitCode));
        Assert.That(result.StandardOutput, Is.Empty);
        Assert.That(rig.Snapshot(), Is.EqualTo(before));
    }

    [Test]
    public void Help_GoesToStdoutWithExitZero()
    {
        var result = new ExecutorRig().Run("-h");

        Assert.That(result.ExitCode, Is.Zero);
        Assert.That(result.StandardError, Is.Empty);
        Assert.That(result.StandardOutput, Does.StartWith(
            "ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\n" +
            "Usage:\n" +
            "  ipvsadm -A|E virtual-service [-s scheduler] [-p [timeout]] [-M netmask] [--pe persistence_engine] [-b sched-flags]\n"));
        Assert.That(result.StandardOutput, Does.Contain(
            "  --scheduler    -s scheduler         one of rr|wrr|lc|wlc|lblc|lblcr|dh|sh|sed|nq|fo|ovf|mh,\n" +
            "                                      the default scheduler is wlc.\n"));
        Assert.That(result.StandardOutput, Does.EndWith("  --mcast-ttl ttl                     Multicast TTL (default=1)\n"));
        // The whole text as Debian 12's ipvsadm 1.31 prints it for -h and --help (run in the kernel oracle): 82 lines, 4645 bytes.
        Assert.That(result.StandardOutput.Count(c => c == '\n'), Is.EqualTo(82));
        Assert.That(System.Text.Encoding.ASCII.GetByteCount(result.StandardOutput), Is.EqualTo(4645));
    }

    [Test]
    [TestCase("-v")]
    [TestCase("--version")]
    public void Version_IsIpvsadm131sLine(string option)
    {
        Assert.That(new ExecutorRig().Run(option), Is.EqualTo(new Forwarder.Ipvsadm.Execution.IpvsadmResult(0,
            "ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\n", "")));
    }
}
