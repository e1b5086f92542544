namespace Forwarder.Lab.Tests;

/// <summary>
/// <c>run-director.sh install PREFIX</c> into a temporary root (PREFIX, FORWARDER_SYSCONFDIR and FORWARDER_UNITDIR
/// all under it; nothing of the real /usr or /etc is touched): the published director runs with no SDK on PATH,
/// the installed <c>run</c> uses it, the unit passes <c>systemd-analyze verify</c>, and the ipvsadm wrapper keeps
/// out of the kernel's IPVS and away from a real ipvsadm.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class InstallTests
{
    private string _root = null!;

    private string Prefix => Path.Combine(_root, "usr");

    private string Home => Path.Combine(Prefix, "lib", "forwarder");

    private string Published => Path.Combine(Home, "publish", "forwarder");

    private string Etc => Path.Combine(_root, "etc");

    private string Unit => Path.Combine(Etc, "systemd", "system", "forwarder.service");

    private string Wrapper => Path.Combine(Prefix, "sbin", "ipvsadm");

    private static string Script => Path.Combine(Repository.Root, "run-director.sh");

    private Dictionary<string, string?> Locations(string root) => new()
    {
        ["FORWARDER_SYSCONFDIR"] = Path.Combine(root, "etc"),
        ["FORWARDER_UNITDIR"] = Path.Combine(root, "etc", "systemd", "system"),
        ["FORWARDER_DLL"] = null,
    };

    [OneTimeSetUp]
    public void Install()
    {
        _root = Directory.CreateTempSubdirectory("forwarder-install-").FullName;
        var installed = Shell.Run(Script, ["install", Prefix], TimeSpan.FromMinutes(9), environment: Locations(_root));
        if (installed.ExitCode != 0)
        {
            throw new InvalidOperationException("install failed: " + installed.Error + installed.Output);
        }
        InstallOutput = installed.Error;
    }

    private string InstallOutput { get; set; } = string.Empty;

    [OneTimeTearDown]
    public void RemoveTheRoot()
    {
        if (_root is not null)
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    /// <summary>A directory to put on PATH alone (with whatever a test adds to it).</summary>
    private string EmptyBin()
    {
        var bin = Path.Combine(_root, "bin-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(bin);
        return bin;
    }

    /// <summary>A PATH with every program of this machine's bin and sbin directories but dotnet.</summary>
    private string PathWithoutDotnet()
    {
        var bin = EmptyBin();
        foreach (var directory in new[] { "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin" }.Where(Directory.Exists))
        {
            foreach (var program in Directory.EnumerateFileSystemEntries(directory))
            {
                var link = Path.Combine(bin, Path.GetFileName(program));
                if (Path.GetFileName(program) != "dotnet" && !File.Exists(link) && !Directory.Exists(program))
                {
                    File.CreateSymbolicLink(link, program);
                }
            }
        }
        return bin;
    }

    private static void WriteProgram(string path, string script)
    {
        File.WriteAllText(path, script);
        Shell.Checked("chmod", "755", path);
    }

    [Test]
    public void ThePublishedDirector_RunsWithNoSdkOnPath()
    {
        var result = Shell.Run(Published, ["ipvsadm", "--socket", Path.Combine(_root, "none.sock"), "-Ln"],
            environment: new Dictionary<string, string?> { ["PATH"] = EmptyBin(), ["DOTNET_ROOT"] = null });

        Assert.Multiple(() =>
        {
            Assert.That(result.Error, Does.Contain("cannot reach the director at"), "the director's own client ran: " + result.Error);
            Assert.That(result.ExitCode, Is.EqualTo(2));
            Assert.That(File.Exists(Path.Combine(Home, "publish", "libcoreclr.so")), Is.True, "self-contained: the runtime is in the publish");
        });
    }

    [Test]
    public void TheInstalledRun_UsesThePublishedBuild_WithoutDotnet()
    {
        foreach (var tool in new[] { "ip", "sysctl", "ethtool", "nft" })
        {
            Assume.That(Shell.Run("sh", ["-c", "command -v " + tool]).ExitCode, Is.Zero, tool + " is installed (run installs it otherwise)");
        }
        var result = Shell.Run(Path.Combine(Home, "run-director.sh"), ["run", "--check", "--public", "nosuch0", "--private", "nosuch1", "--socket", Path.Combine(_root, "check.sock")],
            environment: new Dictionary<string, string?> { ["PATH"] = PathWithoutDotnet(), ["FORWARDER_DLL"] = null, ["FORWARDER_STATE"] = Path.Combine(_root, "state") });

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(1), result.Error);
            Assert.That(result.Error, Does.StartWith("forwarder run: ").And.Contain("nosuch0"), "the published director checked the arguments");
            Assert.That(result.Error, Does.Not.Contain("SDK"));
        });
    }

    [Test]
    public void TheUnit_PassesSystemdAnalyzeVerify()
    {
        if (Shell.Run("sh", ["-c", "command -v systemd-analyze"]).ExitCode != 0)
        {
            Assert.Ignore("systemd-analyze is not installed (./run-director.sh test installs Debian's systemd package)");
        }
        var verified = Shell.Run("systemd-analyze", ["verify", Unit]);

        Assert.Multiple(() =>
        {
            Assert.That(verified.ExitCode, Is.Zero, verified.Error);
            Assert.That(verified.Error + verified.Output, Is.Empty, "no warning either");
        });
    }

    [Test]
    public void TheUnit_IsANotifyService_ThatReloadsWithSighup_RestartsOnFailure_AndSavesTheTableOnStop()
    {
        var lines = File.ReadAllLines(Unit);
        var rules = "$$FORWARDER_RULES";

        Assert.Multiple(() =>
        {
            Assert.That(lines, Does.Contain("Type=notify"));
            Assert.That(lines, Does.Contain("EnvironmentFile=" + Path.Combine(Etc, "default", "forwarder")));
            Assert.That(lines, Does.Contain($"ExecStart={Home}/run-director.sh run --public ${{FORWARDER_PUBLIC}} --private ${{FORWARDER_PRIVATE}} --rules ${{FORWARDER_RULES}} $FORWARDER_OPTIONS"));
            Assert.That(lines, Does.Contain("ExecReload=/bin/kill -HUP $MAINPID"), "as run-director.sh reload: the director writes its state file");
            Assert.That(lines, Has.Some.StartsWith("ExecStop=").And.Contain($"{Published} ipvsadm -S -n >\"{rules}.new\" && mv -f"));
            Assert.That(lines, Does.Contain("Restart=on-failure"));
            Assert.That(lines, Does.Contain("KillMode=mixed"), "SIGTERM to the director alone: its watcher restores the host after it");
            Assert.That(File.ReadAllText(Path.Combine(Etc, "default", "forwarder")),
                Does.Contain("FORWARDER_PUBLIC=eth2\n").And.Contain("FORWARDER_PRIVATE=eth1\n").And.Contain($"FORWARDER_RULES={Etc}/ipvsadm.rules\n"));
            Assert.That(File.Exists(Path.Combine(Etc, "ipvsadm.rules")), Is.True, "an empty table to start with");
        });
    }

    [Test]
    public void TheWrapper_WithoutTheKernelsIpvs_DrivesTheDirector()
    {
        Assume.That(File.Exists(Wrapper), Is.True, "the wrapper was installed: " + InstallOutput);
        var result = Shell.Run(Wrapper, ["-Ln"], environment: new Dictionary<string, string?>
        {
            ["PATH"] = EmptyBin(),
            ["FORWARDER_PROC"] = EmptyBin(),
            ["FORWARDER_SOCKET"] = Path.Combine(_root, "none.sock"),
        });

        Assert.Multiple(() =>
        {
            Assert.That(result.Error, Does.Contain("cannot reach the director at " + Path.Combine(_root, "none.sock")));
            Assert.That(result.Error, Does.Not.Contain("kernel"));
        });
    }

    [TestCase("proc", "(", "/net/ip_vs exists)")]
    [TestCase("genl", "(the IPVS netlink family is registered)", "")]
    public void TheWrapper_WhereTheKernelsIpvsIsLoaded_RefusesAsIpvsadmDoes(string sign, string reasonStart, string reasonEnd)
    {
        Assume.That(File.Exists(Wrapper), Is.True, "the wrapper was installed: " + InstallOutput);
        var bin = EmptyBin();
        var proc = EmptyBin();
        if (sign == "proc")
        {
            Directory.CreateDirectory(Path.Combine(proc, "net"));
            File.WriteAllText(Path.Combine(proc, "net", "ip_vs"), "IP Virtual Server version 1.2.1 (size=4096)\n");
        }
        else
        {
            // genl ctrl get name IPVS succeeds: the family is there.
            WriteProgram(Path.Combine(bin, "genl"), "#!/bin/sh\n[ \"$*\" = 'ctrl get name IPVS' ]\n");
        }
        var result = Shell.Run(Wrapper, ["-C"], environment: new Dictionary<string, string?>
        {
            ["PATH"] = bin,
            ["FORWARDER_PROC"] = proc,
            ["FORWARDER_SOCKET"] = Path.Combine(_root, "none.sock"),
        });

        var firstLine = result.Error.Split('\n')[0];
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2), "ipvsadm's status when it cannot initialize");
            Assert.That(firstLine, Does.StartWith("Can't initialize ipvs: the kernel's IP Virtual Server is loaded " + reasonStart).And.EndWith(reasonEnd));
            Assert.That(result.Error, Does.Not.Contain("cannot reach the director"), "the director is never asked");
        });
    }

    [Test]
    public void BesideARealIpvsadm_NoWrapperIsInstalled_OursIsRemoved_AndTheDefaultsAreKept()
    {
        var root = Path.Combine(_root, "beside");
        var sbin = Directory.CreateDirectory(Path.Combine(root, "usr", "sbin")).FullName;
        var defaults = Path.Combine(Directory.CreateDirectory(Path.Combine(root, "etc", "default")).FullName, "forwarder");
        File.WriteAllText(defaults, "FORWARDER_PUBLIC=ens3\n");
        Assume.That(File.Exists(Wrapper), Is.True, "the wrapper was installed: " + InstallOutput);
        File.Copy(Wrapper, Path.Combine(sbin, "ipvsadm"));
        var bin = EmptyBin();
        WriteProgram(Path.Combine(bin, "ipvsadm"), "#!/bin/sh\n# the kernel's ipvsadm\nexit 0\n");
        var environment = Locations(root);
        environment["FORWARDER_PUBLISHED"] = Path.Combine(Home, "publish");
        environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");

        var installed = Shell.Run(Script, ["install", Path.Combine(root, "usr")], TimeSpan.FromMinutes(2), environment: environment);

        Assert.Multiple(() =>
        {
            Assert.That(installed.ExitCode, Is.Zero, installed.Error);
            Assert.That(installed.Error, Does.Contain($"no ipvsadm wrapper: {bin}/ipvsadm is a real ipvsadm"));
            Assert.That(File.Exists(Path.Combine(sbin, "ipvsadm")), Is.False, "our wrapper goes where a real ipvsadm is");
            Assert.That(File.ReadAllText(defaults), Is.EqualTo("FORWARDER_PUBLIC=ens3\n"), "an operator's defaults are kept");
            Assert.That(File.Exists(Path.Combine(root, "usr", "lib", "forwarder", "publish", "forwarder")), Is.True);
        });
    }
}
