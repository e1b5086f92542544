namespace Forwarder.Tests.Monitoring;

public sealed class ProcNetDirectoryTests
{
    private string _root = null!;

    [SetUp]
    public void MakeDirectory() => _root = Directory.CreateTempSubdirectory("forwarder-procfs-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_root, recursive: true);

    [Test]
    public void Write_ReplacesEachFileWhole_AndLeavesNothingAside()
    {
        var directory = new ProcNetDirectory(Path.Combine(_root, "proc"), TextWriter.Null);
        directory.Write(["a1", "b1", "c1", "d1"]);
        var before = new FileInfo(Path.Combine(_root, "proc", "net", "ip_vs"));
        var inodeBefore = InodeOf(before.FullName);

        directory.Write(["a2", "b2", "c2", "d2"]);

        Assert.That(Directory.GetFiles(Path.Combine(_root, "proc", "net")).Select(Path.GetFileName),
            Is.EquivalentTo(new[] { "ip_vs", "ip_vs_stats", "ip_vs_stats_percpu", "ip_vs_conn" }));
        Assert.That(File.ReadAllText(Path.Combine(_root, "proc", "net", "ip_vs_conn")), Is.EqualTo("d2"));
        // A rename puts a new file in place: a reader holding the old one reads it whole.
        Assert.That(InodeOf(before.FullName), Is.Not.EqualTo(inodeBefore));
    }

    [Test]
    public void Remove_TakesTheFilesAway_AndKeepsTheDirectory()
    {
        var directory = new ProcNetDirectory(_root, TextWriter.Null);
        directory.Write(["a", "b", "c", "d"]);

        directory.Remove();

        Assert.That(Directory.GetFiles(Path.Combine(_root, "net")), Is.Empty);
    }

    [Test]
    public void AWriteThatFails_IsReportedOnce_AndItsRecoveryToo()
    {
        var errors = new StringWriter();
        var blocked = Path.Combine(_root, "blocked");
        File.WriteAllText(blocked, "a file where the directory should be");
        var directory = new ProcNetDirectory(blocked, errors);

        directory.Write(["a", "b", "c", "d"]);
        directory.Write(["a", "b", "c", "d"]);
        File.Delete(blocked);
        directory.Write(["a", "b", "c", "d"]);

        var lines = errors.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(2));
        Assert.That(lines[0], Does.StartWith($"forwarder run: cannot write the procfs directory {blocked} ("));
        Assert.That(lines[1], Is.EqualTo($"forwarder run: the procfs directory {blocked} is written again"));
    }

    [Test]
    public void Check_RefusesAFile_AndChangesNothingForAPathToBeMade()
    {
        var file = Path.Combine(_root, "file");
        File.WriteAllText(file, "");
        var toBeMade = Path.Combine(_root, "run", "forwarder", "proc");

        Assert.That(Assert.Throws<IOException>(() => ProcNetDirectory.Check(file))!.Message, Is.EqualTo($"--procfs-dir {file}: is a file, not a directory"));
        Assert.That(Assert.Throws<IOException>(() => ProcNetDirectory.Check(Path.Combine(file, "proc")))!.Message,
            Is.EqualTo($"--procfs-dir {Path.Combine(file, "proc")}: {file} is a file, not a directory"));
        ProcNetDirectory.Check(toBeMade);
        Assert.That(Directory.Exists(Path.Combine(_root, "run")), Is.False);
    }

    private static ulong InodeOf(string path)
    {
        var output = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%i", path]) { RedirectStandardOutput = true })!;
        var text = output.StandardOutput.ReadToEnd();
        output.WaitForExit();
        return ulong.Parse(text.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
