/** The facts the proxy-switch documents print (one JSON line each), as the runtime reads them. */

/** haproxy-state / nginx-state: is the recovery backend the one in service. */
export interface ProxyStateFacts {
  readonly switched: boolean;
  /** HAProxy */
  readonly recoveryStatus?: string;
  readonly primaryStatus?: string;
  readonly configPersisted?: boolean | null;
  /** Nginx */
  readonly activeTarget?: string;
  readonly probeStatus?: number | null;
  readonly probeBody?: string | null;
}
