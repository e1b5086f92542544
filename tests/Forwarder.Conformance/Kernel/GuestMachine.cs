using System.Diagnostics;
using System.Globalization;

namespace Forwarder.Conformance.Kernel;

/// <summary>
/// The real kernel in a throw-away VM: built once by <c>guest/build-guest.sh</c> (Debian's kernel and
/// ipvsadm 1.31), booted by <c>guest/run-guest.sh</c> for one job. When this machine cannot build or
/// boot it, <see cref="Unavailable"/> says why, so the suite reports itself skipped with that reason.
/// </summary>
public sealed class GuestMachine
{
    private readonly string _scripts;

    private GuestMachine(string scripts, string directory)
    {
        _scripts = scripts;
        Directory = directory;
    }

    public string Directory { get; }

    /// <summary>Null when the guest is ready; otherwise why it cannot be.</summary>
    public string? Unavailable { get; private set; }

    /// <summary>Builds the guest where it is missing or out of date (a no-op when it is current).</summary>
    public static GuestMachine Prepare()
    {
        var scripts = Path.Combine(AppContext.BaseDirectory, "guest");
        var directory = Environment.GetEnvironmentVariable("FORWARDER_GUEST_DIR") is { Length: > 0 } configured
            ? configured
            : "/var/cache/forwarder-conformance";
        var machine = new GuestMachine(scripts, directory);
        if (Environment.GetEnvironmentVariable("FORWARDER_CONFORMANCE") == "off")
        {
            machine.Unavailable = "FORWARDER_CONFORMANCE=off";
            return machine;
        }
        var (status, _, errors) = Run("bash", [Path.Combine(scripts, "build-guest.sh"), directory], TimeSpan.FromMinutes(15));
        if (status != 0)
        {
            machine.Unavailable = $"the kernel guest cannot be built here: {errors.Trim()}";
        }
        return machine;
    }

    /// <summary>
    /// Boots the guest, runs <paramref name="job"/> (with <paramref name="inputs"/> as /in) and returns the results
    /// folder, inside <paramref name="work"/> (the caller removes it).
    /// </summary>
    public string RunJob(string job, string? inputs, DirectoryInfo work)
    {
        var jobFile = Path.Combine(work.FullName, "job.sh");
        File.WriteAllText(jobFile, job);
        var results = Path.Combine(work.FullName, "results");
        var arguments = new List<string> { Path.Combine(_scripts, "run-guest.sh"), Directory, jobFile, results };
        if (inputs is not null)
        {
            arguments.Add(inputs);
        }
        var (status, _, errors) = Run("bash", arguments, TimeSpan.FromMinutes(20));
        if (status == 3)
        {
            Unavailable = $"the kernel guest cannot run here: {errors.Trim()}";
            return results;
        }
        if (status != 0)
        {
            throw new InvalidOperationException($"the kernel guest failed (run-guest.sh exit {status}): {errors}");
        }
        return results;
    }

    private static (int Status, string Output, string Errors) Run(string program, IEnumerable<string> arguments, TimeSpan limit)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {program}");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (124, output.Result, errors.Result + string.Create(CultureInfo.InvariantCulture, $"\ntimed out after {limit.TotalSeconds} s"));
        }
        return (process.ExitCode, output.Result, errors.Result);
    }
}
