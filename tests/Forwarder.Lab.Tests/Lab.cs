using System.Diagnostics;

namespace Forwarder.Lab.Tests;

/// <summary>
/// The seed's lab in network namespaces of this test's own (a unique prefix), built with src/lab/lab-netns.sh
/// and always torn down: every process is killed by PID, every namespace deleted. Nothing joins the root
/// namespace, so no test traffic leaves the lab.
/// </summary>
public sealed class Lab : IDisposable
{
    public const string Vip = "192.168.1.199";

    private readonly string _script;
    private readonly Dictionary<string, string?> _environment;
    private Process? _director;

    private Lab(string prefix)
    {
        Prefix = prefix;
        State = Path.Combine(Path.GetTempPath(), prefix + "lab");
        _script = Path.Combine(Repository.Root, "src", "lab", "lab-netns.sh");
        _environment = new Dictionary<string, string?> { ["LAB_PREFIX"] = prefix, ["LAB_STATE"] = State };
        DirectorState = Path.Combine(State, "director");
        Socket = Path.Combine(DirectorState, "forwarder.sock");
    }

    public string Prefix { get; }

    public string State { get; }

    public string DirectorState { get; }

    public string Socket { get; }

    public string Rules => Path.Combine(DirectorState, "rules");

    /// <summary>Whether this machine can hold the lab: root and network namespaces.</summary>
    public static string? WhyNot()
    {
        if (Environment.UserName != "root" && Shell.Run("id", ["-u"]).Output.Trim() != "0")
        {
            return "the lab needs root (network namespaces)";
        }
        foreach (var tool in new[] { "ip", "nginx", "curl", "python3", "ethtool", "nft" })
        {
            if (Shell.Run("sh", ["-c", $"command -v {tool}"]).ExitCode != 0)
            {
                return $"{tool} is not installed (./run-director.sh test installs it)";
            }
        }
        // Root alone is not enough in every container: the lab needs to create network namespaces.
        var probe = $"fprobe{Environment.ProcessId}";
        if (Shell.Run("ip", ["netns", "add", probe]).ExitCode != 0)
        {
            return "this machine does not allow creating network namespaces";
        }
        Shell.Run("ip", ["netns", "del", probe]);
        return null;
    }

    public static Lab Up(string name)
    {
        var lab = new Lab($"f{Environment.ProcessId % 10000}{name}-");
        try
        {
            lab.Script("down");
            lab.Script("up");
            Directory.CreateDirectory(lab.DirectorState);
        }
        catch
        {
            lab.Dispose();
            throw;
        }
        return lab;
    }

    public void Script(params string[] arguments)
    {
        var result = Shell.Run(_script, arguments, TimeSpan.FromSeconds(60), environment: _environment);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"lab-netns.sh {string.Join(' ', arguments)}: {result.Error}{result.Output}");
        }
    }

    /// <summary>Runs a command inside one of the lab's hosts.</summary>
    public Shell.Result In(string host, params string[] command) =>
        Shell.Run("ip", new[] { "netns", "exec", Prefix + host }.Concat(command), TimeSpan.FromSeconds(60));

    /// <summary>An HTTP GET from the client, its body (or "" on failure).</summary>
    public string Get(string url = "http://" + Vip + "/") =>
        In("client", "curl", "-s", "-m", "5", url).Output.Trim();

    /// <summary>Starts the director (run-director.sh run, with this build's forwarder) in the director's namespace.</summary>
    public void StartDirector(string rules, params string[] extra) => StartDirector(rules, new Dictionary<string, string?>(), extra);

    /// <summary>
    /// Starts the director with changes to its environment: a value sets a variable, null removes it (say
    /// FORWARDER_STATE, for the state directory run-director.sh chooses itself).
    /// </summary>
    public void StartDirector(string rules, IReadOnlyDictionary<string, string?> environment, params string[] extra) =>
        Start(rules, environment, ["--socket", Socket], Socket, extra);

    /// <summary>
    /// Starts the director without <c>--socket</c>, so that run-director.sh picks its socket, and waits for the
    /// control socket at <paramref name="expectedSocket"/>.
    /// </summary>
    public void StartDirectorWithItsDefaultSocket(string rules, IReadOnlyDictionary<string, string?> environment, string expectedSocket) =>
        Start(rules, environment, [], expectedSocket, []);

    private void Start(string rules, IReadOnlyDictionary<string, string?> environment, string[] socketArguments, string socket, string[] extra)
    {
        File.WriteAllText(Rules, rules);
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "netns", "exec", Prefix + "director", Path.Combine(Repository.Root, "run-director.sh"), "run" }
                     .Concat(socketArguments).Concat(["--rules", Rules]).Concat(extra))
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["FORWARDER_DLL"] = Repository.ForwarderDll;
        start.Environment["FORWARDER_STATE"] = DirectorState;
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }
        if (File.Exists(socket))
        {
            File.Delete(socket);
        }
        lock (this)
        {
            DirectorLog = string.Empty;
        }
        _director = Process.Start(start) ?? throw new InvalidOperationException("the director did not start");
        _director.OutputDataReceived += (_, e) => Log(e.Data);
        _director.ErrorDataReceived += (_, e) => Log(e.Data);
        _director.BeginOutputReadLine();
        _director.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!File.Exists(socket) && DateTime.UtcNow < deadline && !_director.HasExited)
        {
            Thread.Sleep(100);
        }
        if (!File.Exists(socket))
        {
            throw new InvalidOperationException("the director did not open its control socket: " + DirectorLog);
        }
        // The socket opens a moment before the director reports that it directs (after its checkers and its saved
        // connections): tests read that line, so wait for it too, bounded, and leave any failure to them.
        var reported = DateTime.UtcNow.AddSeconds(10);
        while (!DirectorLog.Contains("forwarder: directing on ", StringComparison.Ordinal) && DateTime.UtcNow < reported && !_director.HasExited)
        {
            Thread.Sleep(20);
        }
    }

    public string DirectorLog { get; private set; } = string.Empty;

    /// <summary>Whether the director started by <see cref="StartDirector"/> is still running.</summary>
    public bool DirectorRunning => _director is { HasExited: false };

    /// <summary>The running director's process id.</summary>
    public int DirectorPid => _director?.Id ?? throw new InvalidOperationException("no director started");

    /// <summary>
    /// Stops the director: SIGTERM (it saves and restores the host), SIGKILL if it lingers. Returns its exit
    /// status once it has exited and its output has been read to the end (null if none was running).
    /// </summary>
    public int? StopDirector(bool kill = false) => StopDirector(kill ? "KILL" : "TERM");

    /// <summary>Stops the director with SIGNAL (TERM, INT, KILL), as <see cref="StopDirector(bool)"/>.</summary>
    public int? StopDirector(string signal)
    {
        if (_director is null)
        {
            return null;
        }
        if (!_director.HasExited)
        {
            Shell.Run("kill", ["-" + signal, _director.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            // Generous: on a loaded machine (2 cores shared with other builds) a director saving its table and
            // state at SIGTERM may need more than 10 s.
            if (!_director.WaitForExit(30_000))
            {
                _director.Kill(entireProcessTree: true);
                _director.WaitForExit(5_000);
            }
        }
        // The overload without a timeout also waits for the end of its output (what run-director.sh says after it).
        var drained = Task.Run(() => _director.WaitForExit());
        drained.Wait(TimeSpan.FromSeconds(10));
        int? status = _director.HasExited ? _director.ExitCode : null;
        _director.Dispose();
        _director = null;
        return status;
    }

    /// <summary>
    /// Kills the director and its watcher (the shell that restores the host when the director's pipe closes, its
    /// child) with SIGKILL, the watcher first: as a machine that lost both would, nothing is undone.
    /// </summary>
    public void KillDirectorAndWatcher()
    {
        var director = _director ?? throw new InvalidOperationException("no director started");
        var children = Directory.EnumerateDirectories($"/proc/{director.Id}/task")
            .SelectMany(task => File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToList();
        foreach (var child in children.Append(director.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            Shell.Run("kill", ["-KILL", child]);
        }
        StopDirector(kill: true);
    }

    /// <summary>
    /// Runs <c>run-director.sh run --socket SOCKET ARGS...</c> in the director's namespace to its end: for
    /// arguments the director must refuse. A director that does not exit within the deadline is killed (a
    /// <see cref="TimeoutException"/>).
    /// </summary>
    public Shell.Result RunDirectorToExit(IEnumerable<string> arguments, TimeSpan? timeout = null, IReadOnlyDictionary<string, string?>? environment = null) =>
        Shell.Run("ip", new[] { "netns", "exec", Prefix + "director", Path.Combine(Repository.Root, "run-director.sh"), "run", "--socket", Socket }.Concat(arguments),
            timeout ?? TimeSpan.FromSeconds(20), environment: DirectorEnvironment(environment));

    /// <summary>Runs <c>run-director.sh ARGS...</c> (stop, say) in the director's namespace with the director's state.</summary>
    public Shell.Result RunDirectorScript(params string[] arguments) => RunDirectorScriptIn("director", null, arguments);

    /// <summary>Runs <c>run-director.sh ARGS...</c> in one of the lab's hosts, with changes to the director's environment.</summary>
    public Shell.Result RunDirectorScriptIn(string host, IReadOnlyDictionary<string, string?>? environment, params string[] arguments) =>
        Shell.Run("ip", new[] { "netns", "exec", Prefix + host, Path.Combine(Repository.Root, "run-director.sh") }.Concat(arguments),
            TimeSpan.FromSeconds(60), environment: DirectorEnvironment(environment));

    private Dictionary<string, string?> DirectorEnvironment(IReadOnlyDictionary<string, string?>? changes)
    {
        var environment = new Dictionary<string, string?>
        {
            ["FORWARDER_DLL"] = Repository.ForwarderDll,
            ["FORWARDER_STATE"] = DirectorState,
        };
        foreach (var (name, value) in changes ?? new Dictionary<string, string?>())
        {
            environment[name] = value;
        }
        return environment;
    }

    /// <summary>ipvsadm against the lab's director, through this build's forwarder.</summary>
    public Shell.Result Ipvsadm(params string[] arguments) =>
        Shell.Run("dotnet", new[] { Repository.ForwarderDll, "ipvsadm", "--socket", Socket }.Concat(arguments), TimeSpan.FromSeconds(30));

    public void Dispose()
    {
        // run-director.sh's lock for the director's namespace (one director per namespace) goes with the namespace.
        var namespaceLock = In("director", "readlink", "/proc/self/ns/net").Output.Trim() is { Length: > 0 } id
            ? "/run/lock/forwarder-net-" + new string(id.Where(char.IsAsciiDigit).ToArray()) + ".lock"
            : null;
        try
        {
            StopDirector();
        }
        finally
        {
            Shell.Run(_script, ["down"], TimeSpan.FromSeconds(60), environment: _environment);
            if (namespaceLock is not null)
            {
                File.Delete(namespaceLock);
            }
        }
    }

    private void Log(string? line)
    {
        if (line is not null)
        {
            lock (this)
            {
                DirectorLog += line + "\n";
            }
        }
    }
}
