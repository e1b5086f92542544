using System.Globalization;
using System.Net;
using System.Text;
using Forwarder.Core.Services;
using Forwarder.Core.Sync;
using Forwarder.Ipvsadm.Control;
using Forwarder.Ipvsadm.Grammar;
using Forwarder.Ipvsadm.Listing;
using Forwarder.Ipvsadm.Rules;

namespace Forwarder.Ipvsadm.Execution;

/// <summary>
/// Runs one ipvsadm command line against a director's state and answers as ipvsadm 1.31 would: the same
/// stdout, stderr and exit status (<c>process_options</c> in ipvsadm.c). A refused command changes nothing.
/// Not thread-safe: call it on the engine's thread, between frames, so a command is atomic to the data plane. Only
/// the stages of a -R marked "on any thread" may run elsewhere (see <see cref="Control.EngineCommandQueue"/>).
/// </summary>
public sealed class IpvsadmExecutor
{
    private static readonly HashSet<IpvsadmCommandKind> RuleCommands =
    [
        IpvsadmCommandKind.AddService, IpvsadmCommandKind.EditService, IpvsadmCommandKind.DeleteService,
        IpvsadmCommandKind.Clear, IpvsadmCommandKind.AddServer, IpvsadmCommandKind.EditServer,
        IpvsadmCommandKind.DeleteServer, IpvsadmCommandKind.SetTimeouts, IpvsadmCommandKind.Zero,
        IpvsadmCommandKind.StartDaemon, IpvsadmCommandKind.StopDaemon,
    ];

    private readonly DirectorState _state;
    private readonly IpvsadmParser _parser;
    private readonly RestoreLineParser _lines;
    private readonly INameResolver _names;

    /// <param name="state">The director's tables, clock and estimators.</param>
    /// <param name="names">Host and port names for listings and -S without -n; the system's files by default.</param>
    /// <param name="parser">How addresses and port names in arguments are read; the system's files by default.</param>
    public IpvsadmExecutor(DirectorState state, INameResolver? names = null, IpvsadmParser? parser = null)
    {
        _state = state;
        names ??= ServicesFileNameResolver.FromSystem();
        _parser = parser ?? new IpvsadmParser();
        _lines = new RestoreLineParser(_parser);
        _names = names;
    }

    public IpvsadmResult Execute(IpvsadmInvocation invocation) => Execute(invocation.Arguments, invocation.StandardInput);

    /// <summary>
    /// Runs one command. Behind <see cref="ClientNaming.QueryMarker"/> a listing answers with the names it would
    /// print; behind <see cref="ClientNaming.NamesMarker"/> it prints with the names on standard input (the admin
    /// process's, as ipvsadm resolves them itself).
    /// </summary>
    public IpvsadmResult Execute(IReadOnlyList<string> arguments, string standardInput = "")
    {
        if (VirtualAddressCommand.IsVipRequest(arguments))
        {
            return VirtualAddressCommand.Run(arguments, _state.Ownership, _state.Clock());
        }
        if (arguments.Count > 0 && arguments[0] == ClientNaming.QueryMarker)
        {
            var asked = new NameQueryResolver();
            var listed = Execute(arguments.Skip(1).ToArray(), "", asked);
            return listed.ExitCode == IpvsadmExitCodes.Success ? new IpvsadmResult(listed.ExitCode, ClientNaming.FormatQuery(asked), listed.StandardError) : listed;
        }
        if (arguments.Count > 0 && arguments[0] == ClientNaming.NamesMarker)
        {
            return Execute(arguments.Skip(1).ToArray(), "", ClientNaming.ParseNames(standardInput));
        }
        return Execute(arguments, standardInput, _names);
    }

    private IpvsadmResult Execute(IReadOnlyList<string> arguments, string standardInput, INameResolver names)
    {
        var output = new StringBuilder();
        var errors = new StringBuilder();
        var exitCode = Run(arguments, standardInput, output, errors, new ServiceListing(names, _state.Rates), new ConnectionListing(names));
        return new IpvsadmResult(exitCode, output.ToString(), errors.ToString());
    }

    private int Run(IReadOnlyList<string> arguments, string standardInput, StringBuilder output, StringBuilder errors,
        ServiceListing services, ConnectionListing connections)
    {
        IpvsadmCommand command;
        try
        {
            command = _parser.Parse(arguments);
        }
        catch (IpvsadmUsageException refused)
        {
            // fail(), tryhelp_exit() and popt's errors all print one line to stderr.
            errors.Append(refused.Message).Append('\n');
            return refused.ExitCode;
        }

        switch (command.Kind)
        {
            case IpvsadmCommandKind.Help:
                output.Append(IpvsadmTexts.Usage);
                return IpvsadmExitCodes.Success;
            case IpvsadmCommandKind.Version:
                output.Append(IpvsadmTexts.Version);
                return IpvsadmExitCodes.Success;
            case IpvsadmCommandKind.List:
                return List(command, output, errors, services, connections);
            case IpvsadmCommandKind.Save:
                output.Append(services.Save(_state.Services, OptionsOf(command.Listing)));
                return IpvsadmExitCodes.Success;
            case IpvsadmCommandKind.Restore:
                return Restore(standardInput, errors);
            default:
                return Apply(command, errors);
        }
    }

    /// <summary>As process_options' CMD_LIST: connections, else one service, else timeouts, else daemons, else all.</summary>
    private int List(IpvsadmCommand command, StringBuilder output, StringBuilder errors, ServiceListing services, ConnectionListing connections)
    {
        var now = _state.Clock();
        // Expiry runs on the engine's timer; bring it up to now so the counts are the kernel's at this moment.
        _state.Connections.ExpireUntil(now);
        var flags = command.Listing;
        var options = OptionsOf(flags) with { ConnectionTableSize = _state.ConnectionTableSize };
        if (options.Detail == ListingDetail.Rate)
        {
            _state.Rates.Sample(_state.Services, now);
        }

        if (flags.HasFlag(ListingFlags.Connections))
        {
            output.Append(connections.List(_state.Connections, now, options));
        }
        else if (command.Service is { } key)
        {
            if (!_state.Services.TryGet(key, out var service))
            {
                errors.Append(LibipvsMessages.NoSuchService).Append('\n');
                return IpvsadmExitCodes.ListingFailed;
            }
            output.Append(services.ListService(service, options));
        }
        else if (flags.HasFlag(ListingFlags.Timeout))
        {
            output.Append(TimeoutListing.List(_state.Timeouts));
        }
        else if (flags.HasFlag(ListingFlags.Daemon))
        {
            output.Append(DaemonListing.List(_state.SyncDaemons));
        }
        else
        {
            output.Append(services.ListAll(_state.Services, options));
        }
        return IpvsadmExitCodes.Success;
    }

    private int Apply(IpvsadmCommand command, StringBuilder errors)
    {
        try
        {
            MixedFamilySyncRule.Check(command, _state.Services, _state.SyncDaemons);
            if (command.Kind is IpvsadmCommandKind.StartDaemon or IpvsadmCommandKind.StopDaemon && _state.SyncDaemons is { } daemons)
            {
                RunDaemonCommand(command, daemons);
            }
            else
            {
                CommandApplier.Apply(command, _state.Services, _state.Timeouts);
            }
        }
        catch (IpvsException refused)
        {
            // As process_options: the libipvs call returned -1; ipvsadm prints ipvs_strerror(errno) and returns -1.
            errors.Append(LibipvsMessages.For(command.Kind, refused)).Append('\n');
            return IpvsadmExitCodes.Refused;
        }
        if (command.Kind == IpvsadmCommandKind.Zero)
        {
            ResetEstimators(command.Service);
        }
        return IpvsadmExitCodes.Success;
    }

    /// <summary>
    /// --start-daemon and --stop-daemon, as ipvs_start_daemon and ipvs_stop_daemon: ipvsadm names eth0 when no
    /// --mcast-interface is given, and sends the options given, which the kernel fills in.
    /// </summary>
    private static void RunDaemonCommand(IpvsadmCommand command, ISyncDaemonHost daemons)
    {
        var request = command.Daemon!;
        var role = request.Master ? SyncRole.Master : SyncRole.Backup;
        if (command.Kind == IpvsadmCommandKind.StopDaemon)
        {
            daemons.Stop(role);
            return;
        }
        var group = request.McastGroup is { } text ? IPAddress.Parse(text) : null;
        daemons.Start(role, new SyncDaemonOptions(request.Interface ?? DefaultMcastInterface, request.SyncId, request.SyncMaxlen, group, request.McastPort, request.McastTtl));
    }

    /// <summary>ipvsadm's DEF_MCAST_IFN.</summary>
    public const string DefaultMcastInterface = "eth0";

    /// <summary>
    /// -R, atomically (ipvsadm itself applies line by line and keeps what went in before a bad line): every line
    /// is parsed, then the whole input is tried on a copy of the table; only when all of it applies there is it
    /// applied to the real table. A refused line is reported with ipvsadm's words and its exit status. Here all
    /// four stages run on the calling thread; the command queue runs the parse and the trial on the client's.
    /// </summary>
    private int Restore(string standardInput, StringBuilder errors)
    {
        var result = RestoreNow(standardInput);
        errors.Append(result.StandardError);
        return result.ExitCode;
    }

    private IpvsadmResult RestoreNow(string standardInput)
    {
        var (parsed, refusal) = ParseRestore(standardInput);
        return refusal ?? RestoreNow(parsed!);
    }

    /// <summary>The trial and the commit of a parsed -R, both here: on the engine's thread, the table cannot move in between.</summary>
    internal IpvsadmResult RestoreNow(ParsedRestore parsed)
    {
        var (plan, refusal) = PlanRestore(parsed, TrialForRestore(parsed));
        return refusal ?? CommitRestore(plan!) ?? throw new InvalidOperationException("the table changed between a -R's trial and its commit on one thread");
    }

    /// <summary>Whether an invocation is a plain -R, which <see cref="Control.EngineCommandQueue"/> prepares off the engine's thread.</summary>
    public static bool IsRestore(IReadOnlyList<string> arguments) => arguments is ["-R"] or ["--restore"];

    /// <summary>
    /// Stage 1, on any thread: reads and checks every line, with no table involved. Refuses a line that does not
    /// parse, a nested -R, and a line that is not a rule.
    /// </summary>
    internal (ParsedRestore? Parsed, IpvsadmResult? Refusal) ParseRestore(string standardInput)
    {
        var commands = new List<(int LineNumber, IpvsadmCommand Command)>();
        foreach (var (lineNumber, words) in RestoreInput.Lines(standardInput))
        {
            IpvsadmCommand command;
            try
            {
                command = _lines.Parse(words);
            }
            catch (IpvsadmUsageException refused)
            {
                return (null, RestoreRefusal(lineNumber, refused.Message, refused.ExitCode));
            }
            if (command.Kind == IpvsadmCommandKind.Restore)
            {
                // As restore_table: a -R read from stdin would loop, so ipvsadm answers with tryhelp_exit(-1).
                return (null, RestoreRefusal(lineNumber, IpvsadmParser.TryHelp, IpvsadmExitCodes.Refused));
            }
            if (!RuleCommands.Contains(command.Kind))
            {
                var text = string.Format(CultureInfo.InvariantCulture, IpvsadmTexts.RestoreNotARule, Forwarder.Core.EchoedText.Of(words[0]));
                return (null, RestoreRefusal(lineNumber, text, IpvsadmExitCodes.Usage));
            }
            commands.Add((lineNumber, command));
        }
        return (new ParsedRestore(commands), null);
    }

    /// <summary>
    /// Stage 2, on the engine's thread: copies of what the lines can meet — the live services they name, the
    /// timeouts — and the table's version. Costs nothing for services the input creates.
    /// </summary>
    internal RestoreTrial TrialForRestore(ParsedRestore parsed) =>
        new(_state.Services.Version, ScratchTables.CopyOf(_state.Services, parsed.NamedServices), ScratchTables.CopyOf(_state.Timeouts));

    /// <summary>
    /// Stage 3, on any thread: applies every line to the trial copy, in order; the first refusal ends the -R with
    /// nothing applied. Services the input creates are built whole here, to be taken in as they are.
    /// </summary>
    internal (RestorePlan? Plan, IpvsadmResult? Refusal) PlanRestore(ParsedRestore parsed, RestoreTrial trial)
    {
        var created = new HashSet<VirtualService>(ReferenceEqualityComparer.Instance);
        var steps = new List<RestoreStep>();
        foreach (var (lineNumber, command) in parsed.Commands)
        {
            try
            {
                CommandApplier.Apply(command, trial.Services, trial.Timeouts);
            }
            catch (IpvsException refused)
            {
                return (null, RestoreRefusal(lineNumber, LibipvsMessages.For(command.Kind, refused), IpvsadmExitCodes.Refused));
            }
            switch (command.Kind)
            {
                case IpvsadmCommandKind.AddService:
                    trial.Services.TryGet(command.Service!.Value, out var service);
                    created.Add(service);
                    steps.Add(new RestoreStep(command, service));
                    break;
                case IpvsadmCommandKind.EditService or IpvsadmCommandKind.AddServer or IpvsadmCommandKind.EditServer or IpvsadmCommandKind.DeleteServer
                    when trial.Services.TryGet(command.Service!.Value, out var edited) && created.Contains(edited):
                    // Already done to the very service that will be taken in.
                    break;
                default:
                    steps.Add(new RestoreStep(command, null));
                    break;
            }
        }
        return (new RestorePlan(trial.Version, steps), null);
    }

    /// <summary>
    /// Stage 4, on the engine's thread, between two frames: the plan's few steps on the live table — one insertion
    /// per created service, and the lines that edit what was already there. Null, with nothing done, when another
    /// command changed the table since the trial's copy: the caller tries again rather than lose that change.
    /// </summary>
    internal IpvsadmResult? CommitRestore(RestorePlan plan)
    {
        if (plan.Version != _state.Services.Version)
        {
            return null;
        }
        // The trial took every line against the same table, so the live one takes them too.
        foreach (var (command, service) in plan.Steps)
        {
            if (service is not null)
            {
                _state.Services.Adopt(service);
                continue;
            }
            CommandApplier.Apply(command, _state.Services, _state.Timeouts);
            if (command.Kind == IpvsadmCommandKind.Zero)
            {
                ResetEstimators(command.Service);
            }
        }
        return new IpvsadmResult(IpvsadmExitCodes.Success, string.Empty, string.Empty);
    }

    private static IpvsadmResult RestoreRefusal(int lineNumber, string message, int exitCode) =>
        IpvsadmResult.Failure(exitCode, message + "\n" + string.Format(CultureInfo.InvariantCulture, IpvsadmTexts.RestoreRefusedLine, lineNumber));

    /// <summary>As the kernel's zeroing: the estimators of the zeroed counters start again from nothing.</summary>
    private void ResetEstimators(ServiceKey? key)
    {
        var now = _state.Clock();
        if (key is { } one)
        {
            if (_state.Services.TryGet(one, out var service))
            {
                _state.Rates.Reset(service, now);
            }
        }
        else
        {
            _state.Rates.Reset(_state.Services, now);
        }
    }

    /// <summary>The grammar's flags as the listings take them; the view follows ipvsadm's precedence (print_title).</summary>
    public static ListingOptions OptionsOf(ListingFlags flags) => new()
    {
        Numeric = flags.HasFlag(ListingFlags.Numeric),
        NoSort = flags.HasFlag(ListingFlags.NoSort),
        Exact = flags.HasFlag(ListingFlags.Exact),
        Detail = flags.HasFlag(ListingFlags.Stats) ? ListingDetail.Stats
            : flags.HasFlag(ListingFlags.Rate) ? ListingDetail.Rate
            : flags.HasFlag(ListingFlags.Thresholds) ? ListingDetail.Thresholds
            : flags.HasFlag(ListingFlags.PersistentConnections) ? ListingDetail.PersistentConnections
            : flags.HasFlag(ListingFlags.TunnelInfo) ? ListingDetail.TunnelInfo
            : ListingDetail.Standard,
    };
}
