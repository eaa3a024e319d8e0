import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { LangProvider } from './context';
import { Router } from './router';
import { App } from './App';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <LangProvider>
      <Router>
        <App />
      </Router>
    </LangProvider>
  </StrictMode>,
);
