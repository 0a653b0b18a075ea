import { createRoot } from 'react-dom/client';
import { App } from './ui/App.js';
import { startSession } from './session.js';
import './ui/styles.css';
import { messageOf } from '../src-shared/errors.js';

const root = createRoot(document.getElementById('root')!);
startSession()
  .then((session) => root.render(<App session={session} />))
  .catch((err: unknown) => {
    root.render(
      <div className="fatal" role="alert">
        <h1>Focusline can't start</h1>
        <p>{messageOf(err)}</p>
      </div>,
    );
  });
