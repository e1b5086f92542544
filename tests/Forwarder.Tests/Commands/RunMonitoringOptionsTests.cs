using Forwarder.Commands;

namespace Forwarder.Tests.Commands;

/// <summary>run refuses bad monitoring options before it looks at an interface or opens a port, with exit status 1.</summary>
public sealed class RunMonitoringOptionsTests
{
    [Test]
    public void ABadMetricsAddress_IsRefusedBeforeAnythingElse()
    {
        var (status, errors) = Run(new RunOptions { Metrics = "localhost:9100", PublicInterface = "no-such-if0", Check = true });

        Assert.That(status, Is.EqualTo(1));
        Assert.That(errors, Is.EqualTo("forwarder run: --metrics localhost:9100: 'localhost' is not an IP address; expected ADDRESS:PORT, as 127.0.0.1:9100 or [::1]:9100\n"));
    }

    [Test]
    public void AProcfsDirectoryThatIsAFile_IsRefused()
    {
        var file = Path.GetTempFileName();
        try
        {
            var (status, errors) = Run(new RunOptions { ProcfsDirectory = file, PublicInterface = "no-such-if0", Check = true });

            Assert.That(status, Is.EqualTo(1));
            Assert.That(errors, Is.EqualTo($"forwarder run: --procfs-dir {file}: is a file, not a directory\n"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static (int Status, string Errors) Run(RunOptions options)
    {
        var errors = new StringWriter();
        var status = RunCommand.Run(options, TextWriter.Null, errors);
        return (status, errors.ToString());
    }
}
